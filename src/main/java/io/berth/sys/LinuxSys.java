package io.berth.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/** {@link Sys} through java.lang.foreign, with errno captured right after each call. */
final class LinuxSys implements Sys {

    /**
     * The linker and the errno capture, made on the first system call rather than with the
     * class: making them spins method-handle classes (about 15 ms of a cold start), and most
     * `berth oci` calls, a foreground run among them, make no system call from Java at all.
     */
    private static final class Native {
        static final Linker LINKER = Linker.nativeLinker();
        static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
        static final StructLayout STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO =
                STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    }

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout PTR = ValueLayout.ADDRESS;
    // Last of the statics: the constructor needs the layouts above.
    static final LinuxSys INSTANCE = new LinuxSys();

    private final Downcall mount = new Downcall("mount",
            FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private final Downcall umount2 = new Downcall("umount2", FunctionDescriptor.of(INT, PTR, INT));
    private final Downcall kill = new Downcall("kill", FunctionDescriptor.of(INT, INT, INT));

    private LinuxSys() {
    }

    /**
     * A libc function's downcall handle, linked on first use: linking spins a class and a stub
     * for each (about 4 ms apiece at start-up), and most CLI calls need only one or two of them.
     */
    private static final class Downcall {
        private final String name;
        private final FunctionDescriptor descriptor;
        private volatile MethodHandle handle;

        Downcall(String name, FunctionDescriptor descriptor) {
            this.name = name;
            this.descriptor = descriptor;
        }

        MethodHandle handle() {
            MethodHandle linked = handle;
            if (linked == null) {
                // Two threads may both link it; either handle is as good as the other.
                linked = link(name, descriptor);
                handle = linked;
            }
            return linked;
        }
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = Native.LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return Native.LINKER.downcallHandle(symbol, descriptor, Native.CAPTURE);
    }

    @Override
    public void mount(String source, String target, String type, long flags, String data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) mount.handle().invokeExact(state, cString(arena, source),
                    cString(arena, target), cString(arena, type), flags, cString(arena, data));
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
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) umount2.handle().invokeExact(state, cString(arena, target), flags);
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
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) kill.handle().invokeExact(state, Math.toIntExact(pid), signal);
            if (rc != 0 && (int) Native.ERRNO.get(state, 0L) == Errno.ESRCH) {
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
            throw new SysException(operation, (int) Native.ERRNO.get(state, 0L));
        }
    }

    // Added for the image store (layer unpacking).

    private static final int ENODATA = 61;
    private static final int ERANGE = 34;

    private final Downcall mknod = new Downcall("mknod",
            FunctionDescriptor.of(INT, PTR, INT, LONG));
    private final Downcall lsetxattr = new Downcall("lsetxattr",
            FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, INT));
    private final Downcall lgetxattr = new Downcall("lgetxattr",
            FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG));

    @Override
    public void mknod(String path, int mode, long major, long minor) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) mknod.handle().invokeExact(state, cString(arena, path), mode,
                    makedev(major, minor));
            check(rc, state, "mknod " + path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mknod " + path, t);
        }
    }

    /** glibc's makedev(3): the split major and minor bit fields of a 64-bit dev_t. */
    private static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    @Override
    public void lsetxattr(String path, String name, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            MemorySegment data = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, data, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) lsetxattr.handle().invokeExact(state, cString(arena, path),
                    cString(arena, name), data, (long) value.length, 0);
            check(rc, state, "lsetxattr " + name + " on " + path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lsetxattr " + path, t);
        }
    }

    @Override
    public byte[] lgetxattr(String path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            for (int size = 256; ; size *= 4) {
                MemorySegment data = arena.allocate(size);
                long n = (long) lgetxattr.handle().invokeExact(state, cString(arena, path),
                        cString(arena, name), data, (long) size);
                int errno = n < 0 ? (int) Native.ERRNO.get(state, 0L) : 0;
                if (n >= 0) {
                    return data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                } else if (errno == ENODATA) {
                    return null;
                } else if (errno != ERANGE || size > (1 << 20)) {
                    throw new SysException("lgetxattr " + name + " on " + path, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lgetxattr " + path, t);
        }
    }

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private final Downcall lchown = new Downcall("lchown",
            FunctionDescriptor.of(INT, PTR, INT, INT));
    private final Downcall chmod = new Downcall("chmod", FunctionDescriptor.of(INT, PTR, INT));
    private final Downcall utimensat = new Downcall("utimensat",
            FunctionDescriptor.of(INT, INT, PTR, PTR, INT));

    @Override
    public void lchown(String path, long uid, long gid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) lchown.handle().invokeExact(state, cString(arena, path), (int) uid,
                    (int) gid);
            check(rc, state, "lchown " + path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("lchown " + path, t);
        }
    }

    @Override
    public void chmod(String path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) chmod.handle().invokeExact(state, cString(arena, path), mode);
            check(rc, state, "chmod " + path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("chmod " + path, t);
        }
    }

    @Override
    public void lutimes(String path, long seconds, int nanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            MemorySegment times = arena.allocate(LONG, 4);
            for (int i = 0; i < 2; i++) {
                times.setAtIndex(LONG, 2L * i, seconds);
                times.setAtIndex(LONG, 2L * i + 1, nanos);
            }
            int rc = (int) utimensat.handle().invokeExact(state, AT_FDCWD, cString(arena, path),
                    times, AT_SYMLINK_NOFOLLOW);
            check(rc, state, "utimensat " + path);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("utimensat " + path, t);
        }
    }

    // Added for the runtime (Unix socket paths longer than sun_path's 108 bytes).

    private static final int O_RDONLY = 0;
    private static final int O_PATH = 010000000;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    // open(2) is variadic, but without O_CREAT no mode follows, so the fixed form is exact.
    private final Downcall open = new Downcall("open", FunctionDescriptor.of(INT, PTR, INT));
    private final Downcall close = new Downcall("close", FunctionDescriptor.of(INT, INT));

    private final Downcall syncfs = new Downcall("syncfs", FunctionDescriptor.of(INT, INT));

    @Override
    public void syncfs(String directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            // Not O_PATH: syncfs refuses such descriptors (EBADF).
            int fd = (int) open.handle().invokeExact(state, cString(arena, directory),
                    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                throw new SysException("open " + directory, (int) Native.ERRNO.get(state, 0L));
            }
            int rc = (int) syncfs.handle().invokeExact(state, fd);
            int errno = (int) Native.ERRNO.get(state, 0L);
            int closed = (int) close.handle().invokeExact(state, fd);
            if (rc < 0) {
                throw new SysException("syncfs " + directory, errno);
            }
            check(closed, state, "close " + directory);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("syncfs " + directory, t);
        }
    }

    @Override
    public int openPath(String directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int fd = (int) open.handle().invokeExact(state, cString(arena, directory),
                    O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) {
                throw new SysException("open " + directory, (int) Native.ERRNO.get(state, 0L));
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open " + directory, t);
        }
    }

    @Override
    public void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int rc = (int) close.handle().invokeExact(state, fd);
            check(rc, state, "close " + fd);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("close " + fd, t);
        }
    }

    private final Downcall pidfdOpen = new Downcall("pidfd_open",
            FunctionDescriptor.of(INT, INT, INT));
    private final Downcall pidfdGetfd = new Downcall("pidfd_getfd",
            FunctionDescriptor.of(INT, INT, INT, INT));
    private final Downcall write = new Downcall("write",
            FunctionDescriptor.of(LONG, INT, PTR, LONG));

    @Override
    public int pidfdOpen(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int pidfd = (int) pidfdOpen.handle().invokeExact(state, Math.toIntExact(pid), 0);
            if (pidfd < 0) {
                throw new SysException("pidfd_open " + pid, (int) Native.ERRNO.get(state, 0L));
            }
            return pidfd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_open " + pid, t);
        }
    }

    @Override
    public int pidfdGetfd(int pidfd, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            int taken = (int) pidfdGetfd.handle().invokeExact(state, pidfd, fd, 0);
            if (taken < 0) {
                throw new SysException("pidfd_getfd " + fd, (int) Native.ERRNO.get(state, 0L));
            }
            return taken;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_getfd " + fd, t);
        }
    }

    @Override
    public int write(int fd, byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.STATE);
            MemorySegment buffer = arena.allocate(Math.max(1, length));
            MemorySegment.copy(bytes, offset, buffer, ValueLayout.JAVA_BYTE, 0, length);
            while (true) {
                long n = (long) write.handle().invokeExact(state, fd, buffer, (long) length);
                if (n >= 0) {
                    return (int) n;
                }
                int errno = (int) Native.ERRNO.get(state, 0L);
                if (errno != Errno.EINTR) {
                    throw new SysException("write " + fd, errno);
                }
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("write " + fd, t);
        }
    }
}
