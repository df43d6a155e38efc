from PySide6.QtCore import QLockFile, QCoreApplication
app = QCoreApplication([])
lines = open("/tmp/call-companion-0/001ff91b3a7c49e2.lock").read().split("\n")
for boot in (lines[4], "00000000-0000-0000-0000-000000000000"):
    l = lines[:]; l[0] = "28689"; l[4] = boot
    open("/tmp/rev/t.lock", "w").write("\n".join(l))
    lf = QLockFile("/tmp/rev/t.lock"); lf.setStaleLockTime(0)
    ok = lf.tryLock(0)
    print("boot", boot[:8], "took lock:", ok, lf.error())
    if ok: lf.unlock()
