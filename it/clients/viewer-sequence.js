// A viewer's sequence of DICOMweb requests, made by the npm dicomweb-client under Node (XMLHttpRequest from
// xhr2), against one server. Usage: node viewer-sequence.js BASE_URL OUT_DIR [STUDY_UID...]
// Without study UIDs the studies come from a QIDO-RS search. Writes OUT_DIR/results.json (every step with its
// outcome) and what came back: searches and metadata as JSON, frames and bulk data as .bin files, retrieved
// instances as .dcm files. A failed step is recorded and the sequence goes on, so a static server's answers
// can be compared step by step too.
'use strict';
global.XMLHttpRequest = require('xhr2');
// The client logs every failed request with console.error; the outcome of each step is in results.json.
console.error = () => {};
const fs = require('fs');
const path = require('path');
const { api } = require('dicomweb-client');

const args = process.argv.slice(2);
const hintsArg = args.find((a) => a.startsWith('--hints='));
const [base, outDir, ...givenStudies] = args.filter((a) => !a.startsWith('--hints='));
// Instances to ask for when a server cannot give a study's metadata (a static server, to a client that does not
// decode gzip): [{study, series, sop, frames}], from the sources.
const hints = hintsArg ? JSON.parse(fs.readFileSync(hintsArg.substring('--hints='.length))) : [];
const client = new api.DICOMwebClient({ url: base, singlepart: '' });
const steps = [];
fs.mkdirSync(outDir, { recursive: true });

function value(ds, tag) {
  const e = ds[tag];
  return e && e.Value && e.Value.length ? e.Value[0] : undefined;
}

function save(name, data) {
  const file = path.join(outDir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data instanceof ArrayBuffer ? Buffer.from(data)
    : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : JSON.stringify(data, null, 1));
  return name;
}

async function step(name, fn) {
  try {
    const result = await fn();
    steps.push({ step: name, ok: true, saved: result === undefined ? null : result });
    return true;
  } catch (e) {
    const status = e && e.request ? e.request.status : undefined;
    steps.push({ step: name, ok: false, status: status, error: String(e && e.message ? e.message : e) });
    return false;
  }
}

function bulkUris(ds, out, top) {
  for (const [tag, e] of Object.entries(ds)) {
    if (e && e.BulkDataURI) {
      out.push({ tag: tag, uri: e.BulkDataURI, pixels: top && tag.startsWith('7FE0') });
    }
    if (e && e.vr === 'SQ' && Array.isArray(e.Value)) {
      e.Value.forEach((item) => bulkUris(item, out, false));
    }
  }
  return out;
}

async function main() {
  let studies = givenStudies;
  await step('searchForStudies', async () => {
    const found = await client.searchForStudies();
    if (!studies.length) {
      studies = found.map((s) => value(s, '0020000D'));
    }
    return save('qido/studies.json', found);
  });
  for (const study of studies) {
    await step(`searchForSeries ${study}`, async () =>
      save(`qido/${study}/series.json`, await client.searchForSeries({ studyInstanceUID: study })));
    let metadata = [];
    const gotMetadata = await step(`retrieveStudyMetadata ${study}`, async () => {
      const answer = await client.retrieveStudyMetadata({ studyInstanceUID: study });
      if (!Array.isArray(answer)) {
        throw new Error('the answer is not a DICOM JSON array');
      }
      metadata = answer;
      return save(`metadata/${study}.json`, metadata);
    });
    if (!gotMetadata) {
      metadata = hints.filter((h) => h.study === study).map((h) => ({
        '0020000E': { vr: 'UI', Value: [h.series] },
        '00080018': { vr: 'UI', Value: [h.sop] },
        ...(h.frames ? { '7FE00010': { vr: 'OB' }, '00280008': { vr: 'IS', Value: [h.frames] } } : {}),
      }));
    }
    const seriesUids = [...new Set(metadata.map((i) => value(i, '0020000E')))];
    for (const series of seriesUids) {
      await step(`retrieveSeriesMetadata ${series}`, async () => save(`metadata/${study}/${series}.json`,
        await client.retrieveSeriesMetadata({ studyInstanceUID: study, seriesInstanceUID: series })));
      await step(`searchForInstances ${series}`, async () => save(`qido/${study}/${series}/instances.json`,
        await client.searchForInstances({ studyInstanceUID: study, seriesInstanceUID: series })));
    }
    for (const instance of metadata) {
      const series = value(instance, '0020000E');
      const sop = value(instance, '00080018');
      const ids = { studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop };
      await step(`retrieveInstanceMetadata ${sop}`, async () =>
        save(`metadata/${study}/${series}/${sop}.json`, await client.retrieveInstanceMetadata(ids)));
      const frames = instance['7FE00010'] || instance['7FE00008'] || instance['7FE00009']
        ? Number(value(instance, '00280008') || 1) : 0;
      for (let n = 1; n <= frames; n++) {
        await step(`retrieveInstanceFrames ${sop} ${n}`, async () => {
          const parts = await client.retrieveInstanceFrames({ ...ids, frameNumbers: String(n) });
          if (parts.length !== 1) {
            throw new Error(`${parts.length} parts for one frame`);
          }
          return save(`frames/${sop}/${n}.bin`, parts[0]);
        });
      }
      if (frames > 1) {
        const list = Array.from({ length: frames }, (_, i) => i + 1).join(',');
        await step(`retrieveInstanceFrames ${sop} ${list}`, async () => {
          const parts = await client.retrieveInstanceFrames({ ...ids, frameNumbers: list });
          if (parts.length !== frames) {
            throw new Error(`${parts.length} parts for ${frames} frames`);
          }
          parts.forEach((p, i) => save(`frame-lists/${sop}/${i + 1}.bin`, p));
          return `frame-lists/${sop}/`;
        });
      }
      const uris = bulkUris(instance, [], true);
      for (let k = 0; k < uris.length; k++) {
        const b = uris[k];
        await step(`retrieveBulkData ${sop} ${b.tag}${b.pixels ? ' (pixel data)' : ''} ${b.uri}`, async () => {
          const parts = await client.retrieveBulkData({ BulkDataURI: b.uri });
          parts.forEach((p, i) => save(`bulkdata/${sop}/${k}/${i + 1}.bin`, p));
          return `bulkdata/${sop}/${k}/`;
        });
      }
      await step(`retrieveInstance ${sop}`, async () =>
        save(`instances/${sop}.dcm`, await client.retrieveInstance(ids)));
    }
  }
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(steps, null, 1));
  const failed = steps.filter((s) => !s.ok).length;
  console.log(`${steps.length} steps, ${failed} failed`);
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(2);
});
