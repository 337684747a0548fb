/**
 * The migration job's steps, as {@code MigrationPipeline} applies them, so that reading this package is reading
 * the job: {@link org.pacsmigrate.transforms.ListFiles} (every entry below the input) -&gt;
 * {@link org.pacsmigrate.transforms.ParseHeaders} (headers in parallel; bad files to the dead letter) -&gt;
 * {@link org.pacsmigrate.transforms.GroupByStudy} (by Study Instance UID; only small records cross it) -&gt;
 * {@link org.pacsmigrate.transforms.SetAsideDuplicates} (one file per SOP Instance, by
 * {@link org.pacsmigrate.transforms.DuplicateResolver}'s rule) -&gt;
 * {@link org.pacsmigrate.transforms.ReconcileStudies} (patient and study data; held studies) -&gt;
 * {@link org.pacsmigrate.transforms.WriteStudyArchives} (one archive per study, frames read by offset) -&gt;
 * {@link org.pacsmigrate.transforms.Reports} (manifest.csv, summary.json), with
 * {@link org.pacsmigrate.transforms.ConflictReports} beside it; {@link org.pacsmigrate.transforms.MigrationMetrics}
 * counts for all of them.
 *
 * <p>The parts they are built from live below, so a change to one part does not touch the flow:
 * <ul>
 *   <li>{@code model}: the records that travel between the steps, and their coders (what crosses a shuffle);
 *   <li>{@code io}: reading the source (local folder or bucket) and writing the archive store;
 *   <li>{@code reports}: writing the report files, atomically, from their lines;
 *   <li>{@code reconcile}: the reconciliation rules, findings and review loop;
 *   <li>{@code delta}: the run index that lets a rerun skip unchanged studies;
 *   <li>{@code gcs}: the {@code gs://} file system and Cloud Storage client options (registered by
 *       {@code META-INF/services}, so its class names stay put).
 * </ul>
 */
package org.pacsmigrate.transforms;
