import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.api.world import World
from tests.petitions.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_probe_upload(world: World, api_as):
    api = api_as(world.users["supervisor"])
    api.raise_request_exception = False
    pid = world.inside["petitions"]
    out = []
    for name in ["a\x00b.pdf", "x" * 5000 + ".pdf", "\u202egpj.pdf", "", "con.pdf", "%00.pdf"]:
        r = api.post(f"/api/v1/petitions/{pid}/attachments/", {"file": SimpleUploadedFile(name or "f", PDF_BYTES)}, format="multipart")
        print(repr(name[:20]), r.status_code, r.content[:120])
        if r.status_code >= 500:
            out.append((name[:20], r.status_code, repr(getattr(r, "exc_info", None) and r.exc_info[1])[:200]))
    r = api.post(f"/api/v1/petitions/{pid}/attachments/", {"file": "notafile"}, format="multipart")
    print("str", r.status_code)
    r = api.post(f"/api/v1/petitions/{pid}/attachments/", {"file": [SimpleUploadedFile("a.pdf", PDF_BYTES)] * 3}, format="multipart")
    print("multi", r.status_code)
    r = api.post(f"/api/v1/petitions/{pid}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"")}, format="multipart")
    print("empty", r.status_code, r.content[:100])
    assert not out
