// Validates Kubernetes objects against the Kubernetes OpenAPI schema (the kubernetes-models package).
// Usage: node validate.mjs <file.json>   where the file holds a JSON array of objects.
// Prints one line per invalid object and exits 1 if any; unknown kinds are errors too (nothing passes unchecked).
import { readFileSync } from "node:fs";

const objects = JSON.parse(readFileSync(process.argv[2], "utf8"));
let failures = 0;
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  const group = object.apiVersion.includes("/") ? object.apiVersion : `v1`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${group}/${object.kind}`))[object.kind];
  } catch (error) {
    console.log(`${name}: no schema for ${object.apiVersion} ${object.kind} (${error.message})`);
    failures++;
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    console.log(`${name}: ${error.message}`);
    failures++;
  }
}
console.log(`${objects.length - failures} valid, ${failures} invalid`);
process.exit(failures > 0 ? 1 : 0);
