"""Parses a Terraform file with python-hcl2 and prints a JSON summary the tests can check.

Usage: hcl-summary.py FILE
Prints {"resources": {"TYPE.NAME": {arg: value}}, "imports": {"TO": "ID"},
        "variables": {"NAME": {arg: value}}, "providers": {"NAME": {arg: value}},
        "required_providers": {"NAME": {"source": …, "version": …}},
        "blocks": ["import", "provider", …]}  (every top-level block type: a stray `data` shows here)
String values are unescaped (quotes, \\, $${ and %%{); references keep their ${...} form.
Exits 1 with the parser's message when the file is not valid HCL.
"""
import json
import sys

import hcl2


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        # HCL string escapes are JSON's plus the template escapes $${ and %%{.
        return json.loads(value).replace("$${", "${").replace("%%{", "%{")
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


def main(path):
    try:
        with open(path) as f:
            doc = hcl2.load(f)
    except Exception as error:  # the parser raises several types; all mean "not valid HCL"
        print(f"not valid HCL: {error}", file=sys.stderr)
        return 1
    summary = {"resources": {}, "imports": {}, "variables": {}, "providers": {}, "required_providers": {},
               "blocks": sorted(k for k in doc if not k.startswith("__"))}
    for block in doc.get("resource", []):
        for rtype, named in unquote(block).items():
            for name, body in named.items():
                summary["resources"][f"{rtype}.{name}"] = body
    for block in doc.get("import", []):
        body = unquote(block)
        summary["imports"][body["to"]] = body["id"]
    for block in doc.get("variable", []):
        summary["variables"].update(unquote(block))
    for block in doc.get("provider", []):
        summary["providers"].update(unquote(block))
    for block in doc.get("terraform", []):
        for required in unquote(block).get("required_providers", []):
            summary["required_providers"].update(required)
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
