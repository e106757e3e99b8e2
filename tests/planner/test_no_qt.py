"""The core never imports Qt: import every planner module with PySide6 blocked."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys, importlib, pkgutil
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'ui'):
            raise ImportError('blocked: ' + name)
        return None
sys.meta_path.insert(0, Block())
import planner
for m in pkgutil.walk_packages(planner.__path__, 'planner.'):
    importlib.import_module(m.name)
print('ok')
"""


def test_planner_imports_without_qt() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
