package io.berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** {@link Sys} through java.lang.foreign, with errno captured right after each call. */
final class LinuxSys implements Sys {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;

    // Last of the statics: the constructor needs LINKER and the layouts above.
    static final LinuxSys INSTANCE = new LinuxSys();

    private final MethodHandle mount = downcall("mount",
            FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private final MethodHandle umount2 = downcall("umount2", FunctionDescriptor.of(INT, PTR, INT));
    private final MethodHandle kill = downcall("kill", FunctionDescriptor.of(INT, INT, INT));

    private LinuxSys() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
    }

    @Override
    public void mount(String source, String target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int rc = (int) mount.invokeExact(state, cString(arena, source), cString(arena, target),
                    cString(arena, type), flags, cString(arena, data));
            check(rc, state, "mount " + (type == null ? "" : type + " ") + "on " + target);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mount on " + target, t);
        }
    }

    @Override
    public void umount(String target, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int rc = (int) umount2.invokeExact(state, cString(arena, target), flags);
            check(rc, state, "umount " + target);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("umount " + target, t);
        }
    }

    @Override
    public boolean kill(long pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int rc = (int) kill.invokeExact(state, Math.toIntExact(pid), signal);
            if (rc != 0 && (int) ERRNO.get(state, 0L) == Errno.ESRCH) {
                return false;
            }
            check(rc, state, "kill " + pid + " with signal " + signal);
            return true;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("kill " + pid, t);
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    private static void check(int rc, MemorySegment state, String operation) {
        if (rc != 0) {
            throw new SysException(operation, (int) ERRNO.get(state, 0L));
        }
    }
}
