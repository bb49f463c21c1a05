"""Verifies a VC-JWT with PyJWT, independently of the Rust code that made it.

Usage: verify_vc.py JWKS_FILE TOKEN_FILE. Finds the key named by the token's
`kid` in the JWK Set, checks the ES256 signature, and prints the header and
payload as JSON. Exits non-zero when anything does not check out.
"""

import json
import sys

import jwt
from jwt.algorithms import ECAlgorithm


def main():
    jwks = json.load(open(sys.argv[1], encoding="utf-8"))
    token = open(sys.argv[2], encoding="utf-8").read().strip()
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "ES256":
        sys.exit(f"unexpected alg {header.get('alg')}")
    key = next((k for k in jwks["keys"] if k["kid"] == header.get("kid")), None)
    if key is None:
        sys.exit("kid not in the JWK Set")
    public_key = ECAlgorithm.from_jwk(json.dumps(key))
    payload = jwt.decode(
        token,
        public_key,
        algorithms=["ES256"],
        options={"verify_aud": False, "require": ["iss", "sub", "iat", "nbf", "jti"]},
    )
    print(json.dumps({"header": header, "payload": payload}, ensure_ascii=False))


if __name__ == "__main__":
    main()
