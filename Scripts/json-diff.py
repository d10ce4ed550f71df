#!/usr/bin/env python3
"""Lists where two JSON reports differ, field by field, for a closing note that must explain every difference.

    Scripts/json-diff.py OLD.json NEW.json

Array positions are folded (`pullRequests[].additions`), so each line is one field with the number of places
it differs and the first pair of values; `added`/`removed` name keys only one side has, `length` arrays whose
lengths differ (their common prefix is still compared). Prints nothing and exits 0 when the two parse to the
same value; exits 1 otherwise. Byte-identity is `cmp`'s business: this says what changed.
"""
import collections
import json
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        old = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        new = json.load(f)
    counts = collections.Counter()
    first = {}

    def note(kind, path, example=None):
        key = (kind, re.sub(r"\[\d+\]", "[]", path))
        counts[key] += 1
        if example is not None and key not in first:
            first[key] = example

    def walk(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if k not in a:
                    note("added", f"{path}.{k}")
                elif k not in b:
                    note("removed", f"{path}.{k}")
                else:
                    walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                note("length", path, (len(a), len(b)))
            for i, (u, v) in enumerate(zip(a, b)):
                walk(u, v, f"{path}[{i}]")
        elif a != b or type(a) is not type(b):
            note("value", path, (json.dumps(a)[:80], json.dumps(b)[:80]))

    walk(old, new, "")
    for (kind, path), n in sorted(counts.items(), key=lambda t: (-t[1], t[0])):
        example = first.get((kind, path))
        print(f"{n:7d} {kind:7s} {path}" + (f"  {example[0]} -> {example[1]}" if example else ""))
    sys.exit(1 if counts else 0)


if __name__ == "__main__":
    main()
