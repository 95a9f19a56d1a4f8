"""After the agent hangs up, one question, 1–5 by keypad, stored against the call and the agent."""

from __future__ import annotations

import pytest

from miconsulado.callcenter import queue
from miconsulado.callcenter.models import SurveyResponse
from miconsulado.callcenter.tests.caller import TestCaller
from miconsulado.callcenter.tests.conftest import MAIN
from miconsulado.callcenter.tests.queue_support import make_agent

pytestmark = pytest.mark.django_db


def connected_then_agent_hangs_up(client, provider, *keys) -> tuple[TestCaller, object]:
    agent = make_agent("es", "en")
    caller = TestCaller(client).dial(MAIN, *keys)
    queue.accept_offer(agent=agent)
    caller.redirected(provider.redirects[-1][1]).dial_ends("completed")
    return caller, agent


def test_survey_is_stored(client, line, clock, provider):
    caller, agent = connected_then_agent_hangs_up(client, provider, "2", "2")
    assert "how would you rate" in caller.last_heard
    caller.press("5")
    survey = SurveyResponse.objects.get()
    assert (survey.score, survey.agent, survey.call.call_sid) == (5, agent, caller.sid)
    assert "Thank you for your rating." in caller.all_heard and caller.ended


@pytest.mark.parametrize("key", ["0", "6", "*", None])
def test_no_rating_outside_1_to_5(client, line, clock, provider, key):
    caller, _agent = connected_then_agent_hangs_up(client, provider, "1", "2")
    caller.press(key)
    assert not SurveyResponse.objects.exists() and caller.ended


def test_one_rating_per_call(client, line, clock, provider):
    caller, _agent = connected_then_agent_hangs_up(client, provider, "1", "2")
    survey_url = caller.pending.get("action")
    caller.press("2")
    caller.post(survey_url, {"Digits": "5"})  # replayed with another key
    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [2]


def test_survey_of_another_call_is_refused(client, line, clock, provider):
    caller, _agent = connected_then_agent_hangs_up(client, provider, "1", "2")
    survey_url = caller.pending.get("action")
    stranger = TestCaller(client).dial(MAIN, "1")
    stranger.post(survey_url, {"Digits": "1"})
    assert not SurveyResponse.objects.exists()
