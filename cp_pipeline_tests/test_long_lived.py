"""Freezing a process's long-lived objects keeps the collector off them, not off the run's own
garbage: cycles made afterwards are still freed."""

import subprocess
import sys

SCRIPT = """
import gc, weakref
from cp_pipeline.long_lived import freeze_long_lived

class Node:
    pass

freeze_long_lived()
assert gc.get_freeze_count() > 0
node = Node(); node.self = node  # a cycle made after the freeze
alive = weakref.ref(node)
del node
gc.collect()
assert alive() is None, "a cycle made after the freeze was not collected"
print("ok")
"""


def test_garbage_made_after_the_freeze_is_still_collected():
    # In a process of its own: a freeze lasts for the process's life.
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
