#!/bin/sh
# Makes the pair of documents measured in BENCHMARKS.md ("spec-diff of a large document"):
# the old side is a real-world spec as it is; the new side the same with a few small edits,
# the kind one release makes: schemas shared by hundreds of operations gain a field, an
# operation is added. The large documents themselves are never committed.
#
#   xtask/benches/spec-diff-pair.sh /work/shared/specs/pagerduty.json target/bench-spec-diff
#
# writes OUT/old.json and OUT/new.json.
set -eu
src=${1:?usage: spec-diff-pair.sh SPEC.json OUTDIR}
out=${2:?usage: spec-diff-pair.sh SPEC.json OUTDIR}
mkdir -p "$out"
cp "$src" "$out/old.json"
chmod u+w "$out/old.json"
jq '
  .components.schemas.Pagination.properties.cursor =
      {"type": "string", "description": "Where the next page starts."}
  | .components.schemas.Tag.allOf[0].properties.etag =
      {"type": "string", "readOnly": true}
  | .paths["/abilities/{id}/history"] = {"get": (.paths["/abilities"].get
      | .operationId = "listAbilityHistory"
      | .parameters = [{"name": "id", "in": "path", "required": true,
                        "schema": {"type": "string"}}])}
' "$src" > "$out/new.json"
