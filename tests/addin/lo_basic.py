"""List the Basic libraries and modules LibreOffice imports from an Excel file's VBA project.

Run by the python3 that has LibreOffice's ``uno`` module (Debian: /usr/bin/python3 with
python3-uno), not by the test interpreter:

    /usr/bin/python3 lo_basic.py FILE.xlam [FILE2 ...]

Prints one JSON object: {file: {"libraries": {library: {module: {"type": int, "source": str}}}}}
or {file: {"error": str}}. ``type`` is com.sun.star.script.ModuleType (1 normal, 2 class,
4 document). Files open with the filter "Calc MS Excel 2007 VBA XML" (LibreOffice does not
recognise .xlam by itself), read-only, hidden, macros never executed.

One soffice per call, in a private profile and its own process group; at the end it is asked to
terminate over UNO, then only that process group is signalled. Exit status: 0 every file
listed, 1 a file could not be opened, 2 LibreOffice could not be used.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

FILTER = "Calc MS Excel 2007 VBA XML"


def main(paths, timeout=90.0):
    try:
        import uno
        from com.sun.star.beans import PropertyValue
    except ImportError as exc:
        print(f"lo_basic: python uno bridge unavailable: {exc}", file=sys.stderr)
        return 2
    soffice = (
        os.environ.get("LO_CHECK_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    )
    if not soffice:
        print("lo_basic: soffice not found", file=sys.stderr)
        return 2

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    workdir = tempfile.mkdtemp(prefix="lo-basic.")
    pipe = f"lo_basic_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + timeout
    proc = None

    def kill_group(sig):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def group_alive():
        proc.poll()
        try:
            os.killpg(proc.pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True

    def wait_group(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not group_alive():
                return True
            time.sleep(0.1)
        return not group_alive()

    result, status, desktop = {}, 0, None
    timer = None
    try:
        with open(os.path.join(workdir, "soffice.log"), "wb") as log:
            proc = subprocess.Popen(
                [
                    soffice,
                    "-env:UserInstallation="
                    + uno.systemPathToFileUrl(os.path.join(workdir, "profile")),
                    "--headless",
                    "--invisible",
                    "--nologo",
                    "--norestore",
                    "--nodefault",
                    "--nolockcheck",
                    "--nofirststartwizard",
                    f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        timer = threading.Timer(timeout, kill_group, (signal.SIGKILL,))
        timer.daemon = True
        timer.start()
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        while ctx is None:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            except Exception as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("LibreOffice did not start") from exc
                time.sleep(0.2)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        for path in paths:
            url = uno.systemPathToFileUrl(os.path.abspath(path))
            props = (
                prop("FilterName", FILTER),
                prop("Hidden", True),
                prop("ReadOnly", True),
                prop("MacroExecutionMode", 0),
                prop("UpdateDocMode", 0),
                prop("Silent", True),
            )
            try:
                doc = desktop.loadComponentFromURL(url, "_blank", 0, props)
            except Exception as exc:
                doc = None
                result[path] = {"error": getattr(exc, "Message", "") or str(exc)}
            if doc is None:
                result.setdefault(path, {"error": "not opened"})
                status = 1
                continue
            try:
                libraries = {}
                container = doc.BasicLibraries
                for name in container.getElementNames():
                    if not container.isLibraryLoaded(name):
                        container.loadLibrary(name)
                    library = container.getByName(name)
                    modules = {}
                    for module in library.getElementNames():
                        kind = 0
                        if library.hasModuleInfo(module):  # XVBAModuleInfo of the library
                            kind = int(library.getModuleInfo(module).ModuleType)
                        modules[module] = {"type": kind, "source": library.getByName(module)}
                    libraries[name] = modules
                result[path] = {"libraries": libraries}
            finally:
                doc.close(True)
    except Exception as exc:
        print(f"lo_basic: {exc}", file=sys.stderr)
        status = 2
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass
        if proc is not None and not wait_group(10):
            kill_group(signal.SIGTERM)
            if not wait_group(5):
                kill_group(signal.SIGKILL)
                wait_group(5)
        if timer is not None:
            timer.cancel()
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
