// Compiled by tst_openapiclient with `tsc --strict --noEmit` against the types
// openapi-typescript generates from the daemon's served /openapi.json
// (generated/api.d.ts, written by the test): a client written against them
// type-checks only if the operations, their ids and answers are as used here.
import type { components, operations, paths } from "./generated/api";

type JobDetail = paths["/ops/jobs/{id}"]["get"]["responses"][200]["content"]["application/json"];
type Enqueued =
  operations["ingestTextAsync"]["responses"][200]["content"]["application/json"];
type Refusal = components["responses"]["TooManyRequests"]["content"]["application/json"];
type ListJobs = operations["listJobs"]["responses"][200]["content"]["application/json"];

export function describeJob(job: JobDetail): string {
  const ended: string = job.ended_at ?? "not yet";
  return `${job.id}: ${job.status} (ended ${ended})`;
}

export function jobIdOf(answer: Enqueued): string {
  return answer.job_id;
}

export function whyRefused(answer: Refusal): string {
  return answer.error;
}

// next_cursor is a number, a string, or null on the last page.
export function nextCursor(page: ListJobs): string | null {
  const cursor = page.next_cursor;
  return cursor === null ? null : String(cursor);
}
