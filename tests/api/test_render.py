"""Export: submit (fresh id, one retry with a new id), status in both shapes, cancel."""

from __future__ import annotations

import re

import httpx
import pytest

from tui.api import Draft, ExportBlocked, RenderFailed, RenderJob

DRAFT = {
    "t": [{"id": "trk_v1", "tt": 0, "sg": [{"id": "seg_1", "src": "upl_1", "s": 0, "d": 5000, "xtra": 1}]}],
    "d": 5000,
    "m": {"width": 1920, "height": 1080},
    "unknown_key": [1],
}


async def test_submit_body_and_fresh_ids(api, make_client):
    api.add(
        "POST /api/render/proxy/lambda",
        lambda req: httpx.Response(
            200,
            json={
                "success": True,
                "data": {"id": __import__("json").loads(req.content)["id"], "status": "pending", "progress": 5},
            },
        ),
    )
    async with make_client() as c:
        job1 = await c.submit_render("sid1", Draft.parse(DRAFT))
        job2 = await c.submit_render("sid1", DRAFT, fmt="mp4", quality="medium", width=1080, height=1920)
    b1, b2 = (api.json_of(r) for r in api.calls("POST /api/render/proxy/lambda"))
    assert re.fullmatch(r"render_[0-9a-f]{32}", b1["id"]) and b1["id"] != b2["id"]
    assert b1["sessionId"] == "sid1"
    assert b1["draft"] == DRAFT  # unknown keys survive the round trip
    assert b1["output"] == {"format": "mp4", "quality": "high"}
    assert b2["output"] == {"format": "mp4", "quality": "medium", "width": 1080, "height": 1920}
    assert (job1.id, job1.status, job1.progress) == (b1["id"], "pending", 5)
    assert job2.id == b2["id"]


@pytest.mark.parametrize(
    "first",
    [
        httpx.Response(200, json={"success": False, "message": "render id already exists (duplicate)"}),
        httpx.Response(409, json={"message": "duplicate id"}),
        httpx.Response(500, text="Internal Server Error"),
        httpx.Response(200, json={"success": True, "data": {"status": "failed", "error": "lambda crashed"}}),
    ],
)
async def test_submit_retries_once_with_a_new_id(api, make_client, first):
    api.add(
        "POST /api/render/proxy/lambda",
        [first, httpx.Response(200, json={"success": True, "data": {"status": "pending"}})],
    )
    async with make_client() as c:
        job = await c.submit_render("sid1", DRAFT)
    ids = [api.json_of(r)["id"] for r in api.calls("POST /api/render/proxy/lambda")]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert job.id == ids[1]  # the server did not echo it: the id we sent
    assert job.status == "pending"


async def test_submit_fails_twice_raises_render_failed(api, make_client):
    api.add("POST /api/render/proxy/lambda", httpx.Response(200, json={"success": False, "message": "no workers"}))
    async with make_client() as c:
        with pytest.raises(RenderFailed, match="no workers"):
            await c.submit_render("sid1", DRAFT)
    assert len(api.calls("POST /api/render/proxy/lambda")) == 2


async def test_submit_402_is_export_blocked_without_retry(api, make_client):
    api.add("POST /api/render/proxy/lambda", httpx.Response(402, json={"message": "free plan"}))
    async with make_client() as c:
        with pytest.raises(ExportBlocked, match="not credits"):
            await c.submit_render("sid1", DRAFT)
    assert len(api.calls("POST /api/render/proxy/lambda")) == 1


@pytest.mark.parametrize(
    ("body", "status", "progress", "url"),
    [
        ({"success": True, "data": {"id": "r1", "status": "processing", "progress": 40}}, "processing", 40, None),
        (
            {"success": True, "status": "completed", "data": {"id": "r1", "outputUrl": "https://cdn.example/r1.mp4"}},
            "completed",
            100,
            "https://cdn.example/r1.mp4",
        ),
        (
            {"success": True, "status": "completed", "output": {"url": "https://cdn.example/o.mp4"}},
            "completed",
            100,
            "https://cdn.example/o.mp4",
        ),
        (
            {"success": True, "data": {"status": "completed", "output": {"url": "/api/render/proxy/r1/download"}}},
            "completed",
            100,
            "/api/render/proxy/r1/download",
        ),
        ({"code": 0, "data": {"status": "failed", "message": "ffmpeg exited"}}, "failed", 0, None),
        ({"status": "PENDING"}, "pending", 0, None),
        ({"success": True, "data": {"status": "running", "progress": "55.5"}}, "processing", 55.5, None),
        ({"success": True, "data": {"progress": 250}}, "pending", 100, None),
    ],
)
async def test_status_in_both_shapes(api, make_client, body, status, progress, url):
    api.add("GET /api/render/proxy/lambda/r1", httpx.Response(200, json=body))
    async with make_client() as c:
        job = await c.render_status("r1")
    assert (job.id, job.status, job.progress, job.output_url) == ("r1", status, progress, url)
    if status == "failed":
        assert job.error == "ffmpeg exited" and job.done


async def test_cancel(api, make_client):
    api.add(
        "POST /api/render/proxy/lambda/r1/cancel",
        httpx.Response(200, json={"success": True, "data": {"status": "cancelled"}}),
    )
    async with make_client() as c:
        job = await c.cancel_render("r1")
    assert job.status == "cancelled" and job.done
    assert api.calls("POST /api/render/proxy/lambda/r1/cancel")[0].headers["authorization"].startswith("Bearer ")


def test_render_job_from_garbage():
    assert RenderJob.parse(None) == RenderJob()
    assert RenderJob.parse({"data": "x", "status": 5}).status == "5"


async def test_cancel_with_an_empty_answer(api, make_client):
    api.add("POST /api/render/proxy/lambda/r2/cancel", httpx.Response(204))
    async with make_client() as c:
        job = await c.cancel_render("r2")
    assert (job.id, job.status) == ("r2", "cancelled")
