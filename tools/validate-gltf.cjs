// Validates glTF/GLB files with the Khronos glTF validator; prints one JSON report per file
// ({file, errors, warnings, infos, messages}) as a JSON array. Exit 0 when no file has errors.
const fs = require('fs');
const validator = require('gltf-validator');

async function main(files) {
  const reports = [];
  for (const file of files) {
    const report = await validator.validateBytes(new Uint8Array(fs.readFileSync(file)), {
      maxIssues: 50,
      externalResourceFunction: () => Promise.reject(new Error('external resources are not allowed')),
    });
    reports.push({
      file,
      errors: report.issues.numErrors,
      warnings: report.issues.numWarnings,
      infos: report.issues.numInfos,
      messages: report.issues.messages.map((m) => ({ code: m.code, severity: m.severity, message: m.message, pointer: m.pointer })),
      info: report.info,
    });
  }
  process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  return reports.every((r) => r.errors === 0) ? 0 : 1;
}

if (process.argv.length < 3) {
  process.stderr.write('usage: node validate-gltf.cjs FILE.glb...\n');
  process.exit(2);
}
main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(2);
});
