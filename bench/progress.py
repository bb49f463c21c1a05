#!/usr/bin/env python3
"""Lesson-complete throughput: log in N seeded trainees, find each one's
enrolment and the course's lessons, then POST
/api/v1/enrolments/{eid}/lessons/{lesson}/complete for every (trainee, lesson)
pair with bounded concurrency (first-time completions: each writes a row).
Also writes a target file (token enrolment lesson per line) for wrk's Lua
script (bench/complete.lua) that repeats completions (idempotent 204s)."""
import argparse
import asyncio
import json
import random
import sys
import time

import aiohttp

try:
    import uvloop

    uvloop.install()
except ImportError:
    pass


def pct(v, p):
    s = sorted(v)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


async def main(a):
    conn = aiohttp.TCPConnector(limit=a.concurrency)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=120)) as s:
        sem = asyncio.Semaphore(16)
        users = [f"t{n}@{a.branch.lower()}.load.test" for n in range(a.n)]
        tokens = {}

        async def login(email):
            async with sem:
                async with s.post(f"{a.base}/api/v1/auth/login", json={"branch": a.branch, "email": email, "password": a.password}) as r:
                    if r.status == 200:
                        tokens[email] = (await r.json())["access_token"]

        t0 = time.monotonic()
        await asyncio.gather(*(login(u) for u in users))
        print(f"logged in {len(tokens)}/{len(users)} in {time.monotonic() - t0:.1f} s", flush=True)
        any_tok = next(iter(tokens.values()))
        async with s.get(f"{a.base}/api/v1/courses/{a.course}", headers={"Authorization": f"Bearer {any_tok}"}) as r:
            lessons = [l["id"] for l in (await r.json())["lessons"]]
        pairs = []

        async def enrolment(tok):
            async with sem:
                async with s.get(f"{a.base}/api/v1/users/me/enrolments", headers={"Authorization": f"Bearer {tok}"}) as r:
                    items = (await r.json())["items"]
            eid = items[0]["id"]
            for l in lessons:
                pairs.append((tok, eid, l))

        await asyncio.gather(*(enrolment(t) for t in tokens.values()))
        random.Random(1).shuffle(pairs)
        with open(a.targets, "w") as f:
            for tok, eid, l in pairs:
                f.write(f"{tok} {eid} {l}\n")
        lat, errors = [], {}
        csem = asyncio.Semaphore(a.concurrency)

        async def complete(tok, eid, l):
            async with csem:
                t = time.monotonic()
                async with s.post(f"{a.base}/api/v1/enrolments/{eid}/lessons/{l}/complete", headers={"Authorization": f"Bearer {tok}"}) as r:
                    await r.read()
                    lat.append(time.monotonic() - t)
                    if r.status != 204:
                        errors[r.status] = errors.get(r.status, 0) + 1

        t0 = time.monotonic()
        await asyncio.gather(*(complete(*p) for p in pairs))
        dt = time.monotonic() - t0
        print(f"first-time lesson completions: {len(pairs)} in {dt:.2f} s = {len(pairs) / dt:.1f} req/s; "
              f"p50 {pct(lat, 50) * 1000:.1f} ms, p99 {pct(lat, 99) * 1000:.1f} ms; non-204: {errors or 0} "
              f"(concurrency {a.concurrency}, {len(lessons)} lessons x {len(tokens)} enrolments)", flush=True)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--course", required=True)
    p.add_argument("--branch", default="L01")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--password", required=True)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--targets", required=True)
    asyncio.run(main(p.parse_args()))
