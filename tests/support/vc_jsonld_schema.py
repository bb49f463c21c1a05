"""Checks a VC-JWT's payload as JSON-LD and against the Open Badges schema.

Usage: vc_jsonld_schema.py TOKEN_FILE [--no-schema]

- JSON-LD: the payload is expanded with pyld, using only the contexts kept in
  tests/support/contexts (the document loader refuses the network). A last
  catch-all `@vocab` is added to the payload's own contexts, so any term or
  type the published contexts do not define expands to `urn:undefined:...`;
  the check fails if one does.
- Schema: the Open Badges 3.0 AchievementCredential JSON schema (skipped for
  other credentials with --no-schema).

Prints {"undefined": [...], "schema_errors": [...]} and exits non-zero when
either list is not empty.
"""

import json
import pathlib
import sys

import jwt
from pyld import jsonld

HERE = pathlib.Path(__file__).parent
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": HERE / "contexts/credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": HERE / "contexts/ob-context-3.0.3.json",
}


def offline_loader(url, options=None):
    path = CONTEXTS.get(url)
    if path is None:
        raise jsonld.JsonLdError(f"no network: {url}", "jsonld.LoadDocumentError", code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": json.loads(path.read_text())}


def undefined_terms(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.startswith("urn:undefined:"):
                found.add(key)
            if key == "@type":
                for t in value if isinstance(value, list) else [value]:
                    if isinstance(t, str) and t.startswith("urn:undefined:"):
                        found.add(t)
            undefined_terms(value, found)
    elif isinstance(node, list):
        for item in node:
            undefined_terms(item, found)


def main():
    token = open(sys.argv[1], encoding="utf-8").read().strip()
    payload = jwt.decode(token, options={"verify_signature": False})
    probe = dict(payload)
    contexts = payload["@context"] if isinstance(payload["@context"], list) else [payload["@context"]]
    probe["@context"] = contexts + [{"@vocab": "urn:undefined:"}]
    expanded = jsonld.expand(probe, {"documentLoader": offline_loader})
    found = set()
    undefined_terms(expanded, found)
    # The same document without the probe must expand too (no error, no loss of the subject).
    plain = jsonld.expand(payload, {"documentLoader": offline_loader})
    errors = []
    if "--no-schema" not in sys.argv:
        import jsonschema

        schema = json.loads((HERE / "schemas/ob_v3p0_achievementcredential.json").read_text())
        validator = jsonschema.Draft201909Validator(schema)
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(payload)]
    print(json.dumps({"undefined": sorted(found), "schema_errors": errors, "expanded_nodes": len(plain)}))
    if found or errors or not plain:
        sys.exit(1)


if __name__ == "__main__":
    main()
