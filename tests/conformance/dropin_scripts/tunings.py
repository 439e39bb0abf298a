"""Tuning: start a job with examples, poll it, use the tuned model.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import os
import time

from google import genai
from google.genai import types

from tests.conformance.dropin_scripts._steps import step

BASE = "models/gemini-2.5-flash"


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("tunings.tune") as s:
        job = client.tunings.tune(
            base_model=BASE,
            training_dataset=types.TuningDataset(
                examples=[
                    types.TuningExample(text_input="1+1", output="2"),
                    types.TuningExample(text_input="2+2", output="4"),
                ]
            ),
            config=types.CreateTuningJobConfig(
                tuned_model_display_name="adder",
                epoch_count=2,
                batch_size=1,
                learning_rate=0.001,
            ),
        )
        s.result = {
            "name_prefix": job.name.startswith("tunedModels/"),
            "state": job.state,
        }

    with step("tunings.tune_dict_dataset") as s:
        other = client.tunings.tune(
            base_model=BASE,
            training_dataset={"examples": [{"text_input": "a", "output": "b"}]},
            config={"tuned_model_display_name": "letters"},
        )
        s.result = {"state": other.state}

    with step("tunings.poll") as s:
        for _ in range(50):
            job = client.tunings.get(name=job.name)
            if job.has_ended:
                break
            time.sleep(0.01)
        s.result = {
            "state": job.state,
            "succeeded": job.has_succeeded,
            "base_model": job.base_model,
            "tuned_model_is_name": job.tuned_model.model == job.name,
        }

    with step("tunings.state_is_enum_member") as s:
        s.result = {"name": job.state.name, "value": job.state.value}

    with step("generate.tuned_model") as s:
        response = client.models.generate_content(model=job.tuned_model.model, contents="3+3")
        s.result = response.text.split('"')[1]

    with step("models.get_tuned") as s:
        model = client.models.get(model=job.tuned_model.model)
        s.result = {"display_name": model.display_name, "same": model.name == job.name}

    with step("tunings.list") as s:
        names = [j.name for j in client.tunings.list(config={"page_size": 10})]
        s.result = job.name in names

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
