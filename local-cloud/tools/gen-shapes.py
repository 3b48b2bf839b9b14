#!/usr/bin/env python3
"""Derives the local cloud's request-shape tables from AWS's own service models (botocore).

For every operation of each service below it writes, into
local-cloud/src/main/resources/dev/cutover/localcloud/shapes/<service>.json, the input shape
rules that AWS's front end enforces before an operation runs: required members, enums, string
and list/map length bounds (min/max), numeric ranges, patterns, nesting (structures, lists,
maps) and, for REST protocols, where each member travels (uri label, query string, header).
Documentation and output shapes are dropped; only shapes reachable from an operation's input
are kept. The emulators' ShapeValidator reads these tables.

Re-run (from the repository root) after upgrading botocore:
    python3 local-cloud/tools/gen-shapes.py [--botocore-data DIR]
The default data directory is the installed botocore package's. Output is deterministic
(sorted keys), so a re-run without a botocore change produces no diff.
"""
import argparse
import datetime
import gzip
import json
import os
import sys

SERVICES = ["ecs", "appmesh", "servicediscovery", "secretsmanager", "application-autoscaling",
            "elbv2", "ecr", "route53", "cloudwatch"]

KEEP_SHAPE = ("type", "required", "min", "max", "pattern", "enum", "sensitive", "union", "payload")
KEEP_MEMBER = ("shape", "location", "locationName", "jsonvalue", "hostLabel")


def default_data_dir():
    import botocore
    return os.path.join(os.path.dirname(botocore.__file__), "data")


def load_model(data_dir, service):
    root = os.path.join(data_dir, service)
    version = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))[-1]
    base = os.path.join(root, version, "service-2.json")
    path = base + ".gz" if os.path.exists(base + ".gz") else base
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f), os.path.relpath(path, data_dir)


def compact_shape(shape):
    out = {k: shape[k] for k in KEEP_SHAPE if k in shape}
    if shape["type"] == "structure":
        out["members"] = {name: {k: m[k] for k in KEEP_MEMBER if k in m}
                          for name, m in shape.get("members", {}).items()}
    elif shape["type"] == "list":
        out["member"] = shape["member"]["shape"]
    elif shape["type"] == "map":
        out["key"] = shape["key"]["shape"]
        out["value"] = shape["value"]["shape"]
    return out


def reachable(shapes, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        s = shapes[name]
        if s["type"] == "structure":
            todo.extend(m["shape"] for m in s.get("members", {}).values())
        elif s["type"] == "list":
            todo.append(s["member"]["shape"])
        elif s["type"] == "map":
            todo.extend([s["key"]["shape"], s["value"]["shape"]])
    return seen


def generate(model, source, botocore_version):
    meta = model["metadata"]
    operations = {}
    roots = []
    for name, op in sorted(model["operations"].items()):
        entry = {"method": op["http"]["method"], "requestUri": op["http"]["requestUri"]}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
            roots.append(op["input"]["shape"])
        if "endpoint" in op and "hostPrefix" in op["endpoint"]:
            entry["hostPrefix"] = op["endpoint"]["hostPrefix"]
        operations[name] = entry
    shapes = {n: compact_shape(model["shapes"][n]) for n in sorted(reachable(model["shapes"], roots))}
    return {
        "_origin": {
            "generator": "local-cloud/tools/gen-shapes.py",
            "botocore": botocore_version,
            "model": "botocore/data/" + source,
            "apiVersion": meta.get("apiVersion"),
            "generatedOn": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "note": "Generated from AWS's service model; do not edit, re-run the generator.",
        },
        "service": meta.get("endpointPrefix"),
        "protocol": meta.get("protocol"),
        "protocols": meta.get("protocols", [meta.get("protocol")]),
        "targetPrefix": meta.get("targetPrefix"),
        "operations": operations,
        "shapes": shapes,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--botocore-data", default=None, help="botocore's data directory")
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                 "src/main/resources/dev/cutover/localcloud/shapes"))
    args = p.parse_args()
    data_dir = args.botocore_data or default_data_dir()
    try:
        import botocore
        version = botocore.__version__
    except ImportError:
        version = "unknown"
    os.makedirs(args.out, exist_ok=True)
    for service in SERVICES:
        model, source = load_model(data_dir, service)
        table = generate(model, source, version)
        target = os.path.join(args.out, service + ".json")
        with open(target, "w", encoding="utf-8") as f:
            json.dump(table, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write("\n")
        print(f"{service}: {len(table['operations'])} operations, {len(table['shapes'])} shapes -> "
              f"{os.path.relpath(target)}", file=sys.stderr)


if __name__ == "__main__":
    main()
