"""The tests really run offline: any connection beyond this machine fails loudly, loopback still works."""
import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from sitecustomize import NetworkAccessForbidden


def test_this_process_cannot_reach_the_internet():
    with pytest.raises(NetworkAccessForbidden, match="forbid network access.*example.com"):
        urllib.request.urlopen("https://example.com", timeout=5)
    with pytest.raises(NetworkAccessForbidden):
        socket.create_connection(("93.184.216.34", 80), timeout=5)


def test_loopback_is_still_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()


def test_child_processes_inherit_the_guard():
    code = "import urllib.request; urllib.request.urlopen('https://pypi.org', timeout=5)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    assert out.returncode != 0 and "NetworkAccessForbidden" in out.stderr
