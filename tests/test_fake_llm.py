"""The fake Responses API server speaks what the real ``openai`` SDK parses: tool calls, text, auth errors."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from openai import OpenAI
from openai.types.responses import Response, ResponseFunctionToolCall

from tests.fake_llm import NO_MORE_TURNS, FakeLLM, Turn

TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "name": "get_alerts",
        "description": "Open alerts for a campaign.",
        "parameters": {"type": "object", "properties": {"campaign": {"type": "string"}}},
        "strict": False,
    }
]


def test_two_turn_tool_loop() -> None:
    with FakeLLM() as fake:
        seen: list[dict[str, Any]] = []

        def answer(request: dict[str, Any]) -> Turn:
            seen.append(request)
            outputs = fake.tool_outputs(request)
            count = json.loads(outputs["call_1"])["count"]
            return Turn(text=f"There are {count} open alerts.")

        fake.add(Turn(calls=[("get_alerts", {"campaign": "spring"})]), answer)
        with OpenAI(api_key=fake.api_key, base_url=f"{fake.url}/v1", max_retries=0) as client:
            messages: list[Any] = [{"role": "user", "content": "How many alerts?"}]
            first = client.responses.create(model="gpt-5.2-mini", input=messages, tools=TOOLS)  # type: ignore[arg-type]

            assert first.status == "completed"
            assert first.output_text == ""
            calls = [item for item in first.output if item.type == "function_call"]
            assert len(calls) == 1
            call = calls[0]
            assert isinstance(call, ResponseFunctionToolCall)
            assert call.name == "get_alerts"
            assert json.loads(call.arguments) == {"campaign": "spring"}
            assert call.call_id == "call_1"

            messages += [item.model_dump(exclude_none=True) for item in first.output]
            messages.append({"type": "function_call_output", "call_id": call.call_id, "output": '{"count": 7}'})
            second = client.responses.create(model="gpt-5.2-mini", input=messages, tools=TOOLS)  # type: ignore[arg-type]

            assert second.output_text == "There are 7 open alerts."
            assert [item.type for item in second.output] == ["message"]
            assert second.usage is not None and second.usage.total_tokens > 0

        assert len(fake.requests) == 2
        assert seen == [fake.requests[1]]
        for request in fake.requests:
            assert request["model"] == "gpt-5.2-mini"
            assert request["tools"] == TOOLS
        assert fake.requests[0]["input"] == [{"role": "user", "content": "How many alerts?"}]
        sent_back = fake.requests[1]["input"]
        assert [item.get("type") for item in sent_back] == [None, "function_call", "function_call_output"]
        assert fake.tool_outputs(fake.requests[1]) == {"call_1": '{"count": 7}'}
        assert fake.script == []


def test_body_is_a_valid_response_and_empty_script_falls_back() -> None:
    with FakeLLM() as fake, OpenAI(api_key=fake.api_key, base_url=f"{fake.url}/v1", max_retries=0) as client:
        fake.add(Turn(calls=[("get_alerts", {}), ("get_alerts", {"campaign": "x"})]))
        raw = client.responses.with_raw_response.create(model="gpt-5.2-mini", input="hi", tools=TOOLS)  # type: ignore[arg-type]
        strict = Response.model_validate(json.loads(raw.text))
        assert [item.type for item in strict.output] == ["function_call", "function_call"]
        assert strict.tools[0].type == "function"
        assert strict.object == "response"

        last = client.responses.create(model="gpt-5.2-mini", input="again")
        assert last.output_text == NO_MORE_TURNS


def test_wrong_api_key_is_rejected() -> None:
    with FakeLLM() as fake:
        fake.add(Turn(text="never sent"))
        with (
            OpenAI(api_key="wrong-key", base_url=f"{fake.url}/v1", max_retries=0) as client,
            pytest.raises(openai.AuthenticationError) as caught,
        ):
            client.responses.create(model="gpt-5.2-mini", input="hi")
        assert caught.value.status_code == 401
        assert caught.value.code == "invalid_api_key"
        assert len(fake.script) == 1  # the scripted turn was not consumed
