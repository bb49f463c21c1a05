// A tiny client written against the types generated from the OpenAPI
// document: if the document stops describing these operations, or describes
// them differently, `tsc --noEmit` fails.
import type { components, operations, paths } from "./schema";

type Schemas = components["schemas"];
export type Login = Schemas["Login"];
export type TokenPair = Schemas["TokenPair"];
export type Problem = Schemas["Problem"];
export type ProblemField = Schemas["ProblemField"];
export type Branch = Schemas["Branch"];

type LoginBody = paths["/api/v1/auth/login"]["post"]["requestBody"]["content"]["application/json"];
type LoginOk = paths["/api/v1/auth/login"]["post"]["responses"]["200"]["content"]["application/json"];
type LoginRejected = paths["/api/v1/auth/login"]["post"]["responses"]["401"]["content"]["application/problem+json"];
type BranchQuery = NonNullable<operations["branches_list"]["parameters"]["query"]>;
type BranchPage = operations["branches_list"]["responses"]["200"]["content"]["application/json"];
type MyEnrolmentPage = operations["enrolments_my_enrolments"]["responses"]["200"]["content"]["application/json"];
export type MyEnrolment = operations["enrolments_my_enrolment"]["responses"]["200"]["content"]["application/json"];
export type CourseExam = Schemas["CourseExam"];
export type ExamWindow = Schemas["ExamWindow"];

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail}`);
  }

  /** Field messages of a validation problem, by field. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of this.problem.errors ?? []) {
      const f: ProblemField = field;
      out[f.field] = f.message;
    }
    return out;
  }
}

export class Client {
  constructor(
    readonly base: string,
    private token?: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new ApiProblem((await res.json()) as Problem);
    return (await res.json()) as T;
  }

  async login(login: LoginBody): Promise<TokenPair> {
    const pair: LoginOk = await this.call<LoginOk>("POST", "/api/v1/auth/login", login);
    this.token = pair.access_token;
    return pair;
  }

  async branches(query: BranchQuery = {}): Promise<BranchPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set("limit", String(query.limit));
    if (query.cursor !== undefined) params.set("cursor", query.cursor);
    return this.call<BranchPage>("GET", `/api/v1/branches?${params}`);
  }

  /** The caller's enrolments with each course's exam and certificate ("my course"). */
  async myEnrolments(cursor?: string): Promise<MyEnrolmentPage> {
    const params = new URLSearchParams();
    if (cursor !== undefined) params.set("cursor", cursor);
    return this.call<MyEnrolmentPage>("GET", `/api/v1/users/me/enrolments?${params}`);
  }

  async myEnrolment(id: string): Promise<MyEnrolment> {
    return this.call<MyEnrolment>("GET", `/api/v1/users/me/enrolments/${encodeURIComponent(id)}`);
  }
}

/** What a course screen shows of the exam: a resume button, attempts left, the best result, the window. */
export function examLine(exam: CourseExam | null | undefined): string {
  if (!exam) return "no exam";
  if (exam.open_attempt) return `resume ${exam.open_attempt.id} until ${exam.open_attempt.deadline}`;
  const best = exam.best_result ? `best ${exam.best_result.percent}%${exam.best_result.passed ? " (passed)" : ""}` : "not taken";
  const extra = exam.extra_minutes > 0 ? `, +${exam.extra_minutes} min` : "";
  return `${best}, ${exam.attempts_left} of ${exam.attempts_allowed} attempts left${extra}${windowText(exam.window)}`;
}

/** The exam window in the branch's own time, e.g. "; opens 2026-03-07T09:00:00+07:00 (Asia/Bangkok)". */
function windowText(window: ExamWindow | null | undefined): string {
  if (!window) return "";
  switch (window.status) {
    case "upcoming":
      return `; opens ${window.opens_at_local} (${window.time_zone})`;
    case "open":
      return `; open until ${window.closes_at_local} (${window.time_zone})`;
    default:
      return "; window closed";
  }
}

// Checked uses of the generated shapes.
const login: Login = { branch: "HQ", email: "admin@example.com", password: "secret" };
const limit: number | undefined = ({ limit: 20 } satisfies BranchQuery).limit;
const rejected: LoginRejected = { type: "/problems/unauthenticated", title: "", status: 401, detail: "", code: "unauthenticated" };
export const examples = { login, limit, rejected };

export async function firstBranchCodes(base: string): Promise<string[]> {
  const client = new Client(base);
  const pair = await client.login(login);
  const seconds: number = pair.expires_in;
  void seconds;
  const page = await client.branches({ limit: 50 });
  const next: string | null | undefined = page.next_cursor;
  void next;
  return page.items.map((branch: Branch) => branch.code);
}
