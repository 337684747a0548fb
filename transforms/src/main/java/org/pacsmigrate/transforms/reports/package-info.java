/**
 * The parts that write the report files (manifest.csv, summary.json, the conflict reports): CSV quoting, the
 * counts and their sum, and writing a file from its lines on one worker, atomically (a temporary name then a move,
 * or one upload). Kept apart from the report steps so that every report is written the same safe way.
 */
package org.pacsmigrate.transforms.reports;
