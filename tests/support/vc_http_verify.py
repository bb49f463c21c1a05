"""Verifies a credential the way an employer's verifier would: over HTTP,
with jwcrypto (a JOSE library independent of PyJWT and of the server).

Usage: vc_http_verify.py TOKEN_FILE

1. Reads the JWT header's `kid` (a URL), fetches the JWK there (it must be
   served as application/jwk+json) and checks the ES256 signature.
2. Follows `credentialStatus.statusListCredential`, fetches the status list
   (application/vc+jwt), checks its signature the same way (its own `kid`),
   decodes `encodedList` (multibase base64url of GZIP) and reads the bit at
   `statusListIndex`.
3. Compares `validFrom` / `validUntil` with the clock.

Prints {"signature": "ok", "status": "valid" | "revoked" | "expired", ...}.
Exits non-zero when a signature or a fetch fails.
"""

import base64
import datetime
import gzip
import json
import sys
import urllib.request

from jwcrypto import jwk, jws


def fetch(url, expected_type):
    with urllib.request.urlopen(url, timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith(expected_type):
            sys.exit(f"{url} answered {content_type}, expected {expected_type}")
        return response.read().decode("utf-8")


def verified_payload(token):
    """Checks a compact JWS with the key its `kid` URL answers; returns the payload."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    if header.get("alg") != "ES256":
        sys.exit(f"unexpected alg {header.get('alg')}")
    key = jwk.JWK.from_json(fetch(header["kid"], "application/jwk+json"))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="ES256")
    return header, json.loads(signed.payload)


def parse(stamp):
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def main():
    token = open(sys.argv[1], encoding="utf-8").read().strip()
    header, credential = verified_payload(token)
    entry = credential["credentialStatus"]
    if entry["type"] != "BitstringStatusListEntry" or entry["statusPurpose"] != "revocation":
        sys.exit(f"unexpected status entry {entry}")
    _, status_list = verified_payload(fetch(entry["statusListCredential"], "application/vc+jwt"))
    if status_list["issuer"] != credential["issuer"]["id"]:
        sys.exit("the status list has another issuer")
    subject = status_list["credentialSubject"]
    encoded = subject["encodedList"]
    if not encoded.startswith("u"):
        sys.exit("encodedList is not multibase base64url")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    index = int(entry["statusListIndex"])
    revoked = bool(bits[index // 8] & (0x80 >> (index % 8)))
    now = datetime.datetime.now(datetime.timezone.utc)
    expired = "validUntil" in credential and parse(credential["validUntil"]) <= now
    status = "revoked" if revoked else "expired" if expired else "valid"
    print(json.dumps({
        "signature": "ok",
        "kid": header["kid"],
        "status": status,
        "list_entries": len(bits) * 8,
        "issuer": credential["issuer"]["id"],
    }))


if __name__ == "__main__":
    main()
