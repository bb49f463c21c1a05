"""Verifies a VC-JWT with PyJWT, independently of the Rust code that made it.

Usage: verify_vc.py JWKS_FILE TOKEN_FILE. Finds the key named by the token's
`kid` in the JWK Set, checks the EdDSA signature, and prints the payload as
JSON. Exits non-zero when anything does not check out.
"""

import json
import sys

import jwt
from jwt.algorithms import OKPAlgorithm


def main():
    jwks = json.load(open(sys.argv[1], encoding="utf-8"))
    token = open(sys.argv[2], encoding="utf-8").read().strip()
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "EdDSA":
        sys.exit(f"unexpected alg {header.get('alg')}")
    key = next((k for k in jwks["keys"] if k["kid"] == header.get("kid")), None)
    if key is None:
        sys.exit("kid not in the JWK Set")
    public_key = OKPAlgorithm.from_jwk(json.dumps(key))
    payload = jwt.decode(token, public_key, algorithms=["EdDSA"], options={"verify_aud": False})
    print(json.dumps({"header": header, "payload": payload}, ensure_ascii=False))


if __name__ == "__main__":
    main()
