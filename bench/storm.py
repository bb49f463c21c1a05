#!/usr/bin/env python3
"""The exam storm: N trainees log in, start the exam within the same minute,
save 20 answers each with think time and submit. asyncio + aiohttp with a
bounded connection pool; talks only to the URL given (127.0.0.1).

Modes:
  storm  (default) run the storm and print per-step p50/p99, throughput, errors.
  check  read an acknowledgement log written by `storm --ack-log` and verify
         (GET /api/v1/attempts/{id}) that every acknowledged save is present.

Figures go to stdout as a table and, with --json-out, as JSON.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import sys
import time

import aiohttp

try:
    import uvloop  # optional; a faster event loop leaves more CPU to the server

    uvloop.install()
except ImportError:  # pragma: no cover
    pass

# Right answers by English option text (the demo exam, see src/demo/course.json).
RIGHT = {"Orange", "True", "Insulating gloves", "Face shield", "So nobody re-energises the system", "Opens the high-voltage circuit"}
STEPS = ("login", "start", "save", "submit")


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


class Stats:
    def __init__(self):
        self.lat = {s: [] for s in STEPS}
        self.ok = {s: 0 for s in STEPS}
        self.err = {s: {} for s in STEPS}  # status (or exception name) -> count
        self.first = {s: None for s in STEPS}
        self.last = {s: None for s in STEPS}
        self.samples = {s: [] for s in STEPS}  # first few error bodies

    def record(self, step, t0, t1, status, body=None):
        self.lat[step].append(t1 - t0)
        self.first[step] = t0 if self.first[step] is None else min(self.first[step], t0)
        self.last[step] = t1 if self.last[step] is None else max(self.last[step], t1)
        if isinstance(status, int) and 200 <= status < 300:
            self.ok[step] += 1
        else:
            self.err[step][str(status)] = self.err[step].get(str(status), 0) + 1
            if len(self.samples[step]) < 5:
                self.samples[step].append({"status": str(status), "body": (body or "")[:300]})

    def summary(self):
        out = {}
        for s in STEPS:
            lat = self.lat[s]
            if not lat:
                continue
            span = (self.last[s] - self.first[s]) if self.first[s] is not None else 0
            out[s] = {
                "requests": len(lat),
                "ok": self.ok[s],
                "errors": sum(self.err[s].values()),
                "errors_by_status": self.err[s],
                "p50_ms": round(pct(lat, 50) * 1000, 1),
                "p99_ms": round(pct(lat, 99) * 1000, 1),
                "max_ms": round(max(lat) * 1000, 1),
                "mean_ms": round(statistics.fmean(lat) * 1000, 1),
                "span_s": round(span, 2),
                "req_per_s": round(len(lat) / span, 1) if span > 0 else None,
                "error_samples": self.samples[s],
            }
        return out


async def request(session, stats, step, method, url, **kw):
    t0 = time.monotonic()
    try:
        async with session.request(method, url, **kw) as r:
            body = await r.read()
            t1 = time.monotonic()
            stats.record(step, t0, t1, r.status, None if r.status < 300 else body.decode("utf-8", "replace"))
            return r.status, body
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
        t1 = time.monotonic()
        stats.record(step, t0, t1, type(e).__name__, str(e))
        return None, None


async def login_all(session, args, users, stats, concurrency):
    sem = asyncio.Semaphore(concurrency)
    tokens = {}

    async def one(u):
        branch, email = u
        async with sem:
            status, body = await request(
                session, stats, "login", "POST", f"{args.base}/api/v1/auth/login",
                json={"branch": branch, "email": email, "password": args.password},
            )
        if status == 200:
            tokens[email] = json.loads(body)["access_token"]

    t0 = time.monotonic()
    await asyncio.gather(*(one(u) for u in users))
    return tokens, time.monotonic() - t0


def right_options(q):
    return [o["id"] for o in q["options"] if o["text"] in RIGHT]


async def trainee(session, args, email, token, start_at, stats, acks, rng):
    """One trainee's exam: start, `saves` answers with think time, submit."""
    h = {"Authorization": f"Bearer {token}"}
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    status, body = await request(session, stats, "start", "POST", f"{args.base}/api/v1/exams/{args.exam}/attempts?lang=en", headers=h)
    if status not in (200, 201):
        return None
    if args.starts_only:
        return None
    a = json.loads(body)
    attempt_id = a["id"]
    qs = a["questions"]
    log = {"email": email, "token": token, "attempt": attempt_id, "saves": []} if acks is not None else None
    if acks is not None:
        acks.append(log)
    n = args.saves
    for i in range(n):
        q = qs[i % len(qs)]
        last_round = i >= n - len(qs)
        if last_round:
            sel = right_options(q)
        else:
            sel = [rng.choice(q["options"])["id"]]
        await asyncio.sleep(rng.uniform(args.think_min, args.think_max))
        if log is not None:
            entry = {"q": q["id"], "sel": sel, "ack": False}
            log["saves"].append(entry)
        status, _ = await request(session, stats, "save", "PUT", f"{args.base}/api/v1/attempts/{attempt_id}/answers/{q['id']}",
                                  headers=h, json={"selected": sel})
        if status is None:
            return None  # server gone (durability demo): this trainee stops
        if log is not None and status == 204:
            entry["ack"] = True
    await asyncio.sleep(rng.uniform(args.think_min, args.think_max))
    status, body = await request(session, stats, "submit", "POST", f"{args.base}/api/v1/attempts/{attempt_id}/submit", headers=h)
    if status == 200:
        return json.loads(body)
    return None


async def storm(args):
    rng = random.Random(args.seed)
    branches = [f"L{i + 1:02d}" for i in range(args.branches)]
    users = []
    for k in range(args.n):
        b = branches[k % len(branches)]
        n = k // len(branches) + args.offset
        users.append((b, f"t{n}@{b.lower()}.load.test"))
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    # Idle connections are dropped by the client (3 s) before the server's
    # keep-alive (5 s) closes them, so that a save after 10-30 s of thinking
    # never races a closing connection (a phone would simply reconnect).
    conn = aiohttp.TCPConnector(limit=args.pool, force_close=False, enable_cleanup_closed=True, keepalive_timeout=3)
    result = {"n": args.n, "pool": args.pool, "saves_per_trainee": 0 if args.starts_only else args.saves,
              "think_s": [args.think_min, args.think_max], "start_window_s": args.start_window}
    async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
        # Phase 1: logins (argon2id-bound by design), optionally from a token cache.
        tokens = {}
        if args.token_cache and os.path.exists(args.token_cache):
            with open(args.token_cache) as f:
                tokens = json.load(f)
        todo = [u for u in users if u[1] not in tokens]
        if todo:
            got, dt = await login_all(session, args, todo, stats, args.login_concurrency)
            tokens.update(got)
            result["login_phase"] = {"logins": len(todo), "ok": len(got), "seconds": round(dt, 2),
                                     "logins_per_s": round(len(todo) / dt, 1), "concurrency": args.login_concurrency}
            if args.token_cache:
                with open(args.token_cache, "w") as f:
                    json.dump(tokens, f)
        else:
            result["login_phase"] = {"logins": 0, "note": "all tokens from cache"}
        print(f"# logins done: {result['login_phase']}", file=sys.stderr, flush=True)
        if args.login_only:
            lp = stats.summary().get("login")
            if lp:
                print(f"login: {lp['requests']} requests, {lp['errors']} errors, p50 {lp['p50_ms']} ms, p99 {lp['p99_ms']} ms, "
                      f"{lp['req_per_s']} logins/s (concurrency {args.login_concurrency})", flush=True)
            sys.exit(0)
        # Phase 2: the storm. Everyone starts within the same start window.
        acks = [] if args.ack_log else None
        t0 = time.monotonic() + 1.0
        tasks = []
        for b, email in users:
            tok = tokens.get(email)
            if tok is None:
                continue
            tasks.append(trainee(session, args, email, tok, t0 + rng.uniform(0, args.start_window), stats, acks,
                                 random.Random(rng.random())))
        if args.ack_log:
            # the durability demo writes the log continuously so that it survives whatever happens
            async def dump():
                while True:
                    await asyncio.sleep(1.0)
                    with open(args.ack_log + ".tmp", "w") as f:
                        json.dump(acks, f)
                    os.replace(args.ack_log + ".tmp", args.ack_log)
            dumper = asyncio.ensure_future(dump())
        if args.ready_file:
            with open(args.ready_file, "w") as f:
                f.write("storm\n")
        ts = time.monotonic()
        results = await asyncio.gather(*tasks)
        result["storm_seconds"] = round(time.monotonic() - ts, 2)
        if args.ack_log:
            dumper.cancel()
            with open(args.ack_log, "w") as f:
                json.dump(acks, f)
    done = [r for r in results if r]
    result["trainees_started"] = len(tasks)
    result["trainees_submitted"] = len(done)
    result["passed"] = sum(1 for r in done if r.get("passed"))
    result["percent_100"] = sum(1 for r in done if r.get("percent") == 100)
    result["steps"] = stats.summary()
    all_storm = sum(len(stats.lat[s]) for s in ("start", "save", "submit"))
    result["storm_requests"] = all_storm
    result["storm_req_per_s"] = round(all_storm / result["storm_seconds"], 1) if result["storm_seconds"] else None
    ru = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu_s"] = round(ru.ru_utime + ru.ru_stime, 1)
    return result


async def check(args):
    """Durability check: every acknowledged save must be present after the restart."""
    with open(args.ack_log) as f:
        acks = json.load(f)
    stats = Stats()
    conn = aiohttp.TCPConnector(limit=args.pool)
    checked = lost = unacked_later_seen = attempts_missing = 0
    problems = []
    sem = asyncio.Semaphore(64)

    async def one(log):
        nonlocal checked, lost, unacked_later_seen, attempts_missing
        saves = log["saves"]
        if not any(s["ack"] for s in saves):
            return
        async with sem:
            status, body = await request(session, stats, "start", "GET", f"{args.base}/api/v1/attempts/{log['attempt']}",
                                         headers={"Authorization": f"Bearer {log['token']}"})
        if status != 200:
            attempts_missing += 1
            problems.append({"attempt": log["attempt"], "status": status})
            return
        stored = json.loads(body).get("answers", {})
        per_q = {}
        for i, s in enumerate(saves):
            per_q.setdefault(s["q"], []).append(s)
        for q, lst in per_q.items():
            last_ack = max((i for i, s in enumerate(lst) if s["ack"]), default=None)
            if last_ack is None:
                continue
            checked_here = sum(1 for s in lst if s["ack"])
            checked += checked_here
            # acceptable: the last acknowledged value, or a later save that was sent but never answered
            acceptable = [sorted(s["sel"]) for s in lst[last_ack:]]
            got = sorted(stored.get(q, []))
            if got not in acceptable:
                lost += 1
                if len(problems) < 10:
                    problems.append({"attempt": log["attempt"], "question": q, "want": acceptable, "got": got})
            elif got != sorted(lst[last_ack]["sel"]):
                unacked_later_seen += 1

    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(*(one(l) for l in acks))
    acked_saves = sum(1 for l in acks for s in l["saves"] if s["ack"])
    sent_saves = sum(len(l["saves"]) for l in acks)
    return {"attempts_logged": len(acks), "saves_sent": sent_saves, "saves_acknowledged": acked_saves,
            "acknowledged_saves_checked": checked, "questions_checked_lost": lost,
            "in_flight_save_found_applied": unacked_later_seen, "attempts_unreadable": attempts_missing,
            "problems": problems}


def print_table(r):
    print(f"N={r['n']} pool={r['pool']} start window={r['start_window_s']}s saves/trainee={r['saves_per_trainee']} "
          f"think={r['think_s'][0]}-{r['think_s'][1]}s")
    lp = r.get("login_phase", {})
    print(f"login phase: {lp}")
    print(f"storm: {r['trainees_started']} started, {r['trainees_submitted']} submitted, {r['passed']} passed, "
          f"{r['storm_requests']} requests in {r['storm_seconds']} s = {r['storm_req_per_s']} req/s; client CPU {r['client_cpu_s']} s")
    print(f"{'step':8} {'requests':>9} {'errors':>7} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} {'req/s':>8}")
    for s in STEPS:
        x = r["steps"].get(s)
        if not x:
            continue
        print(f"{s:8} {x['requests']:9d} {x['errors']:7d} {x['p50_ms']:9.1f} {x['p99_ms']:9.1f} {x['max_ms']:9.1f} {x['req_per_s'] or 0:8.1f}")
        if x["errors"]:
            print(f"         errors by status: {x['errors_by_status']} sample: {x['error_samples'][:2]}")
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", nargs="?", default="storm", choices=["storm", "check"])
    p.add_argument("--base", default="http://127.0.0.1:18080")
    p.add_argument("--exam", help="exam id")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--offset", type=int, default=0, help="first trainee number per branch")
    p.add_argument("--branches", type=int, default=10)
    p.add_argument("--password", default="load-test-password-1")
    p.add_argument("--pool", type=int, default=256, help="client connection pool size")
    p.add_argument("--login-concurrency", type=int, default=16)
    p.add_argument("--start-window", type=float, default=60.0)
    p.add_argument("--saves", type=int, default=20)
    p.add_argument("--think-min", type=float, default=0.5)
    p.add_argument("--think-max", type=float, default=2.0)
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--token-cache")
    p.add_argument("--ack-log")
    p.add_argument("--ready-file")
    p.add_argument("--login-only", action="store_true", help="only log in (filling --token-cache), then exit")
    p.add_argument("--starts-only", action="store_true",
                   help="the synchronized start: each trainee only starts (no saves, no submit)")
    p.add_argument("--json-out")
    args = p.parse_args()
    if args.mode == "storm":
        r = asyncio.run(storm(args))
        print_table(r)
    else:
        r = asyncio.run(check(args))
        print(json.dumps({k: v for k, v in r.items() if k != "problems"}))
        if r["problems"]:
            print("problems:", json.dumps(r["problems"][:10]))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(r, f, indent=1)


if __name__ == "__main__":
    main()
