"""A helper process that dies must not lose the work: the call is made in the run's process."""

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from cp_pipeline.validation.gx_worker import HelperCall


class _BrokenAtSubmit:
    def submit(self, *args):
        raise BrokenProcessPool("a helper died")


class _BrokenWhileRunning:
    def submit(self, *args):
        future = Future()
        future.set_exception(BrokenProcessPool("a helper died"))
        return future


class _Working:
    def submit(self, function, *args):
        future = Future()
        future.set_result(("in the helper", function(*args)))
        return future


def test_a_call_runs_in_this_process_when_the_helpers_are_broken_or_break():
    assert HelperCall(_BrokenAtSubmit(), max, (1, 2)).result() == 2
    assert HelperCall(_BrokenWhileRunning(), max, (1, 2)).result() == 2
    assert HelperCall(_Working(), max, (1, 2)).result() == ("in the helper", 2)
