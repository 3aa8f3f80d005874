import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from meihao.notify.models import TeamChannel
from meihao.people.models import Team, TeamMember


class WeComRobot:
    """A real HTTP server on 127.0.0.1 standing in for the WeCom group robot."""

    def __init__(self):
        self.requests: list[dict] = []  # {"path", "headers", "body"} as received
        self.answers: list[tuple[int, bytes]] = []  # queued (status, body); default: errcode 0
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                robot.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": raw}
                )
                status, answer = (
                    robot.answers.pop(0) if robot.answers else (200, b'{"errcode":0,"errmsg":"ok"}')
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test-key"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json_bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def fail(self, times: int, status: int = 500, body: bytes = b"oops"):
        self.answers.extend([(status, body)] * times)


@pytest.fixture
def robot():
    robot = WeComRobot()
    robot.thread.start()
    yield robot
    robot.server.shutdown()
    robot.server.server_close()


@pytest.fixture
def team(personas):
    """城管's department team: department_staff is a member; its WeCom group is the robot."""
    team = Team.objects.create(
        name="城管执法一队",
        kind=Team.Kind.DEPARTMENT,
        organisation=personas.department,
        place=personas.tree.district,
        place_path=personas.tree.district.path,
    )
    TeamMember.objects.create(team=team, person=personas.department_staff.person)
    return team


@pytest.fixture
def team_channel(team, robot):
    return TeamChannel.objects.create(team=team, wecom_webhook_url=robot.url)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as a committed transaction: its on-commit work (delivery) runs at the end."""

    @contextmanager
    def run():
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            transaction.atomic(),
        ):
            yield callbacks

    return run
