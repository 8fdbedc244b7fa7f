#!/usr/bin/env python3
"""Writes /tmp/syn{N}.json: N operations and N schemas, for the whole-process scaling
figures in BENCHMARKS.md (the in-process ones use the same shape, in benches/generator.rs)."""
import json
import sys


def spec(n):
    schemas, paths = {}, {}
    for i in range(n):
        schemas[f"S{i}"] = {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "n": {"type": "integer"},
                "kind": {"type": "string", "enum": ["a", "b", "c"]},
                "tags": {"type": "array", "items": {"type": "string"}},
                "next": {"$ref": f"#/components/schemas/S{(i + 1) % n}"},
            },
        }
        paths[f"/r{i}/{{id}}"] = {"get": {
            "operationId": f"get{i}",
            "tags": [f"t{i % 20}"],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/S{i}"}}}}},
        }}
    return {"openapi": "3.0.3", "info": {"title": "synthetic", "version": "1"},
            "paths": paths, "components": {"schemas": schemas}}


for n in map(int, sys.argv[1:] or ["500", "2000", "5000"]):
    with open(f"/tmp/syn{n}.json", "w") as f:
        json.dump(spec(n), f)
