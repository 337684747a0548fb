/**
 * The records that pass between the job's steps, their coders, and the small helpers that keep them lean. They are
 * kept apart from the steps because their size is the job's memory and shuffle cost: a few hundred bytes per file
 * (paths, UIDs, offsets, a digest; never pixel or bulk data), with explicit coders rather than Java serialization.
 */
package org.pacsmigrate.transforms.model;
