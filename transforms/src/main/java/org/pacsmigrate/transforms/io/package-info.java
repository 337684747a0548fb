/**
 * Everything that touches the source or the output: source locations in their one escaped form, opening and
 * re-reading source files (local or Cloud Storage), the header check that admits a file, and the archive store
 * (ZIP or tree layout, local folder or bucket) that the study writer fills. Kept apart so that the steps stay free
 * of file-system details, and so that atomic writes and "a failing output fails the run" are decided in one place.
 */
package org.pacsmigrate.transforms.io;
