"""Batch jobs: inline requests and a JSONL file, polled to the end, results read back.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import io
import json
import os
import time

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"
DONE = {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}


def wait(client: genai.Client, name: str) -> types.BatchJob:
    job = client.batches.get(name=name)
    for _ in range(50):
        if job.state in DONE:
            break
        time.sleep(0.01)
        job = client.batches.get(name=name)
    return job


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("batches.create_inline") as s:
        job = client.batches.create(
            model=MODEL,
            src=[
                types.InlinedRequest(
                    contents="What is 2+2?",
                    metadata={"key": "sum"},
                    config=types.GenerateContentConfig(temperature=0.0),
                ),
                {
                    "contents": [{"role": "user", "parts": [{"text": "Name a planet."}]}],
                    "metadata": {"key": "planet"},
                },
            ],
            config=types.CreateBatchJobConfig(display_name="inline-job"),
        )
        s.result = {
            "name_prefix": job.name.startswith("batches/"),
            "display_name": job.display_name,
            "state": job.state,
            "model": job.model,
        }

    with step("batches.poll_inline") as s:
        job = wait(client, job.name)
        s.result = {
            "state": job.state,
            "succeeded": job.state == types.JobState.JOB_STATE_SUCCEEDED,
            "done": job.done,
            "ended": job.end_time is not None,
        }

    with step("batches.state_is_enum_member") as s:
        s.result = {"name": job.state.name, "value": job.state.value}

    with step("batches.inline_results") as s:
        answers = {}
        for item in job.dest.inlined_responses:
            answers[item.metadata["key"]] = item.response.text.split('"')[1]
        s.result = answers

    with step("batches.create_from_file") as s:
        lines = [
            {"key": "a", "request": {"contents": [{"parts": [{"text": "Say hi."}]}]}},
            {"key": "b", "request": {"contents": [{"parts": [{"text": "Say bye."}]}]}},
        ]
        data = "\n".join(json.dumps(line) for line in lines).encode()
        source = client.files.upload(
            file=io.BytesIO(data),
            config=types.UploadFileConfig(mime_type="jsonl", display_name="requests"),
        )
        file_job = client.batches.create(model=MODEL, src=source.name)
        s.result = {"state": file_job.state, "has_src": file_job.src is not None}

    with step("batches.file_results") as s:
        file_job = wait(client, file_job.name)
        content = client.files.download(file=file_job.dest.file_name)
        results = {}
        for line in content.decode().splitlines():
            record = json.loads(line)
            reply = types.GenerateContentResponse.model_validate(record["response"])
            results[record["key"]] = reply.text.split('"')[1]
        s.result = {"state": file_job.state, "results": results}

    with step("batches.list") as s:
        names = [b.name for b in client.batches.list(config=types.ListBatchJobsConfig(page_size=1))]
        s.result = {"count": len(names), "both": {job.name, file_job.name} <= set(names)}

    with step("batches.cancel_and_delete") as s:
        pending = client.batches.create(
            model=MODEL, src=[{"contents": "Never mind.", "metadata": {"key": "x"}}]
        )
        client.batches.cancel(name=pending.name)
        cancelled = wait(client, pending.name)
        client.batches.delete(name=pending.name)
        s.result = cancelled.state

    with step("batches.embeddings") as s:
        embed_job = client.batches.create_embeddings(
            model="gemini-embedding-001",
            src=types.EmbeddingsBatchJobSource(
                inlined_requests=types.EmbedContentBatch(
                    contents=["one", "two"],
                    config=types.EmbedContentConfig(output_dimensionality=4),
                )
            ),
        )
        embed_job = wait(client, embed_job.name)
        s.result = {
            "state": embed_job.state,
            "count": len(embed_job.dest.inlined_embed_content_responses),
        }

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
