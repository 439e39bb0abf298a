"""Tests for Registry."""

from __future__ import annotations

import pytest

import supervisors as s

from .conftest import Journal, probe_spec, settle


async def test_register_lookup_and_removal_on_exit(journal: Journal) -> None:
    """Names resolve while the actor lives, survive restarts and vanish when it exits."""
    reg = s.Registry()
    async with s.Supervisor([probe_spec("a", journal)]) as sup:
        ref = sup.child("a")
        reg.register("alpha", ref)
        reg.register("alpha", ref)  # idempotent
        assert reg.lookup("alpha") == ref
        assert reg["alpha"] == ref
        assert "alpha" in reg
        ref.cast("crash")  # restart: same ref, entry kept
        await ref.call("ping")
        assert reg.lookup("alpha") == ref
        await ref.stop()
        assert reg.lookup("alpha") is None
        assert "alpha" not in reg
        with pytest.raises(KeyError):
            reg["alpha"]
        with pytest.raises(s.ActorExited):
            reg.register("beta", ref)


async def test_unique_names(journal: Journal) -> None:
    """A live name cannot be taken by another actor; unregister frees it."""
    reg = s.Registry()
    async with s.Supervisor([probe_spec("a", journal), probe_spec("b", journal)]) as sup:
        a, b = sup.child("a"), sup.child("b")
        reg.register("x", a)
        with pytest.raises(s.AlreadyRegistered):
            reg.register("x", b)
        assert reg.unregister("x")
        assert not reg.unregister("x")
        reg.register("x", b)
        reg.register("y", a)
        assert sorted(reg) == ["x", "y"]
        assert len(reg) == 2
    await settle()
    assert len(reg) == 0


async def test_temporary_crash_removes_entry(journal: Journal) -> None:
    """A TEMPORARY actor that crashes is not restarted, so its names go."""
    reg = s.Registry()
    async with s.Supervisor([probe_spec("t", journal, restart=s.Restart.TEMPORARY)]) as sup:
        ref = sup.child("t")
        reg.register("t", ref)
        ref.cast("crash")
        await settle()
        assert reg.lookup("t") is None
