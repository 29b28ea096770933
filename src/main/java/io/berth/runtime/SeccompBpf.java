package io.berth.runtime;

import io.berth.spec.Spec;
import io.berth.sys.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a spec's {@code linux.seccomp} into a classic BPF program with libseccomp (through
 * the Foreign Function &amp; Memory API), for the shim to load as the last step before execve.
 * libseccomp 2.5 exports only to a file descriptor, so the program goes through a memfd.
 *
 * <p>When the default action refuses, syscalls numbered above every one the profile names get
 * ENOSYS instead: a profile older than the kernel and the libc then refuses their new syscalls
 * as "not implemented", which libc takes as its cue to fall back to the old ones (clone3 to
 * clone, say), where EPERM would be a hard failure. A guard of five instructions in front of
 * libseccomp's program does this, as runc does; libseccomp has no action for "every syscall
 * above N".
 */
final class SeccompBpf {
    private static final Map<String, Integer> COMPARE = Map.of("SCMP_CMP_NE", 1,
            "SCMP_CMP_LT", 2, "SCMP_CMP_LE", 3, "SCMP_CMP_EQ", 4, "SCMP_CMP_GE", 5,
            "SCMP_CMP_GT", 6, "SCMP_CMP_MASKED_EQ", 7);
    private static final Map<String, Long> FLAGS = Map.of("SECCOMP_FILTER_FLAG_TSYNC", 1L,
            "SECCOMP_FILTER_FLAG_LOG", 2L, "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4L);

    static final int ACT_ALLOW = 0x7fff0000;
    private static final int ACT_ERRNO = 0x00050000;
    private static final int ACT_LOG = 0x7ffc0000;
    private static final int ENOSYS = 38;
    private static final int EPERM = 1;
    private static final int NR_SCMP_ERROR = -1;
    private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    private static final int AUDIT_ARCH_AARCH64 = 0xc00000b7;
    private static final int X32_SYSCALL_BIT = 0x40000000;

    private SeccompBpf() {
    }

    /** The BPF program (struct sock_filter[], native byte order) for the profile. */
    static byte[] compile(Spec.Seccomp seccomp) {
        int defaultAction = action(seccomp.defaultAction(), seccomp.defaultErrnoRet());
        try (Arena arena = Arena.ofConfined()) {
            Lib lib = Lib.INSTANCE;
            MemorySegment ctx = (MemorySegment) lib.init.invokeExact(defaultAction);
            if (ctx.equals(MemorySegment.NULL)) {
                throw invalid("defaultAction " + seccomp.defaultAction() + " is refused");
            }
            try {
                addArchitectures(lib, arena, ctx, seccomp.architectures());
                int highest = addRules(lib, arena, ctx, seccomp.syscalls(), defaultAction);
                byte[] program = export(lib, ctx);
                return refuses(defaultAction) ? withEnosysGuard(program, highest) : program;
            } finally {
                lib.release.invokeExact(ctx);
            }
        } catch (ContainerStartException e) {
            throw e;
        } catch (Throwable t) {
            throw new ContainerStartException("compile the seccomp profile with libseccomp: "
                    + t, Errno.EIO, t);
        }
    }

    /**
     * The program as hex, from {@code cacheDir} when this very profile was compiled before:
     * libseccomp takes tens of milliseconds for Docker's profile (hundreds cold), and most
     * containers share one profile. The key is the record's hash, which Java defines from the
     * components' values, so it is the same in every JVM; the file also holds the profile's
     * text, compared in full, so a hash collision only costs a compile.
     */
    static String programHex(Spec.Seccomp seccomp, Path cacheDir) {
        String text = seccomp.toString();
        Path cached = cacheDir == null ? null
                : cacheDir.resolve(Integer.toHexString(seccomp.hashCode()));
        if (cached != null) {
            try {
                String stored = Files.readString(cached);
                int newline = stored.lastIndexOf('\n');
                if (newline > 0 && stored.substring(0, newline).equals(text)) {
                    return stored.substring(newline + 1);
                }
            } catch (IOException e) {
                // Not compiled yet (or unreadable): compile.
            }
        }
        String hex = java.util.HexFormat.of().formatHex(compile(seccomp));
        if (cached != null) {
            store(cached, text + "\n" + hex);
        }
        return hex;
    }

    private static void store(Path cached, String content) {
        try {
            Files.createDirectories(cached.getParent());
            Path tmp = Files.createTempFile(cached.getParent(), "tmp", ".part");
            Files.writeString(tmp, content);
            Files.move(tmp, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // A cache that cannot be written only means compiling again next time.
        }
    }

    /** The seccomp(2) flags named by the spec's linux.seccomp.flags. */
    static long flags(Spec.Seccomp seccomp) {
        long flags = 0;
        for (String name : seccomp.flags() == null ? List.<String>of() : seccomp.flags()) {
            Long bit = FLAGS.get(name);
            if (bit == null) {
                throw invalid("flag " + name + " is unknown");
            }
            flags |= bit;
        }
        return flags;
    }

    private static boolean refuses(int action) {
        return action != ACT_ALLOW && action != ACT_LOG;
    }

    private static void addArchitectures(Lib lib, Arena arena, MemorySegment ctx,
            List<String> arches) throws Throwable {
        for (String name : arches == null ? List.<String>of() : arches) {
            String scmp = name.replaceFirst("^SCMP_ARCH_", "").toLowerCase(java.util.Locale.ROOT);
            int token = (int) lib.archResolve.invokeExact(arena.allocateFrom(scmp));
            if (token == 0) {
                throw invalid("architecture " + name + " is unknown");
            }
            int rc = (int) lib.archAdd.invokeExact(ctx, token);
            if (rc < 0 && rc != -Errno.EEXIST) {
                throw invalid("architecture " + name + " cannot be added: "
                        + Errno.name(-rc));
            }
        }
    }

    /** Adds every rule; returns the highest native syscall number named. */
    private static int addRules(Lib lib, Arena arena, MemorySegment ctx,
            List<Spec.Syscall> rules, int defaultAction) throws Throwable {
        int highest = -1;
        for (Spec.Syscall rule : rules == null ? List.<Spec.Syscall>of() : rules) {
            int action = action(rule.action(), rule.errnoRet());
            for (String name : rule.names() == null ? List.<String>of() : rule.names()) {
                int nr = (int) lib.resolve.invokeExact(arena.allocateFrom(name));
                if (nr == NR_SCMP_ERROR) {
                    continue; // a syscall this libseccomp does not know: no kernel has it yet
                }
                highest = Math.max(highest, nr);
                if (action != defaultAction) {
                    addRule(lib, arena, ctx, name, nr, action, rule.args());
                }
            }
        }
        return highest;
    }

    /** Conditions on distinct arguments must all hold; several on one argument are an "or". */
    private static void addRule(Lib lib, Arena arena, MemorySegment ctx, String name, int nr,
            int action, List<Spec.SeccompArg> args) throws Throwable {
        List<Spec.SeccompArg> all = args == null ? List.of() : args;
        Set<Integer> indexes = new HashSet<>();
        boolean repeated = !all.stream().allMatch(a -> indexes.add(a.index()));
        if (!repeated) {
            addConditions(lib, arena, ctx, name, nr, action, all);
            return;
        }
        for (Spec.SeccompArg arg : all) {
            addConditions(lib, arena, ctx, name, nr, action, List.of(arg));
        }
    }

    private static void addConditions(Lib lib, Arena arena, MemorySegment ctx, String name,
            int nr, int action, List<Spec.SeccompArg> args) throws Throwable {
        // struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; u64 a; u64 b; }
        MemorySegment array = arena.allocate(24L * Math.max(1, args.size()), 8);
        for (int i = 0; i < args.size(); i++) {
            Spec.SeccompArg a = args.get(i);
            Integer op = COMPARE.get(a.op());
            if (op == null || a.index() < 0 || a.index() > 5) {
                throw invalid("rule for " + name + " has a bad argument condition " + a);
            }
            array.set(ValueLayout.JAVA_INT, 24L * i, a.index());
            array.set(ValueLayout.JAVA_INT, 24L * i + 4, op);
            array.set(ValueLayout.JAVA_LONG, 24L * i + 8, a.value());
            array.set(ValueLayout.JAVA_LONG, 24L * i + 16, a.valueTwo() == null ? 0
                    : a.valueTwo());
        }
        int rc = (int) lib.ruleAdd.invokeExact(ctx, action, nr, args.size(), array);
        if (rc < 0) {
            throw invalid("rule for " + name + " is refused by libseccomp: " + Errno.name(-rc));
        }
    }

    private static byte[] export(Lib lib, MemorySegment ctx) throws Throwable {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) lib.memfdCreate.invokeExact(arena.allocateFrom("berth-seccomp"), 1);
        }
        if (fd < 0) {
            throw new ContainerStartException("memfd_create for the seccomp program failed",
                    Errno.EIO);
        }
        try {
            int rc = (int) lib.export.invokeExact(ctx, fd);
            if (rc < 0) {
                throw new ContainerStartException("seccomp_export_bpf: " + Errno.name(-rc),
                        -rc);
            }
            // A fresh open of the memfd reads from its start, whatever the export's offset.
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            throw new ContainerStartException("read the exported seccomp program: " + e,
                    Errno.EIO, e);
        } finally {
            int ignored = (int) lib.close.invokeExact(fd);
        }
    }

    /**
     * Puts in front: for the native architecture, a syscall numbered above {@code highest}
     * returns ENOSYS (x32's numbers, with bit 30 set, are left to the program).
     */
    static byte[] withEnosysGuard(byte[] program, int highest) {
        Integer audit = switch (SeccompProfiles.nativeArch()) {
            case "amd64" -> AUDIT_ARCH_X86_64;
            case "arm64" -> AUDIT_ARCH_AARCH64;
            default -> null;
        };
        if (audit == null || highest < 0) {
            return program;
        }
        ByteBuffer guard = ByteBuffer.allocate(6 * 8 + program.length)
                .order(ByteOrder.nativeOrder());
        instruction(guard, 0x20, 0, 0, 4);                  // ld [arch]
        instruction(guard, 0x15, 0, 4, audit);              // jeq native ? next : program
        instruction(guard, 0x20, 0, 0, 0);                  // ld [nr]
        instruction(guard, 0x35, 2, 0, X32_SYSCALL_BIT);    // jge x32 ? program : next
        instruction(guard, 0x25, 0, 1, highest);            // jgt highest ? next : program
        instruction(guard, 0x06, 0, 0, ACT_ERRNO | ENOSYS); // ret ENOSYS
        return guard.put(program).array();
    }

    private static void instruction(ByteBuffer out, int code, int jt, int jf, int k) {
        out.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }

    /** libseccomp's encoding of an action; errno defaults to EPERM as the spec says. */
    static int action(String name, Integer errno) {
        int ret = errno == null ? EPERM : errno;
        return switch (name == null ? "" : name) {
            case "SCMP_ACT_ALLOW" -> ACT_ALLOW;
            case "SCMP_ACT_ERRNO" -> ACT_ERRNO | (ret & 0xffff);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0;
            case "SCMP_ACT_KILL_PROCESS" -> 0x80000000;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_TRACE" -> 0x7ff00000 | (ret & 0xffff);
            case "SCMP_ACT_LOG" -> ACT_LOG;
            default -> throw invalid("action " + name + " is not supported");
        };
    }

    private static ContainerStartException invalid(String what) {
        return new ContainerStartException("config.json: linux.seccomp: " + what, Errno.EINVAL);
    }

    /** libseccomp's functions, loaded on first use only: most CLI calls never need them. */
    private static final class Lib {
        private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
        private static final ValueLayout PTR = ValueLayout.ADDRESS;
        // Last of the statics: the constructor needs the layouts above.
        static final Lib INSTANCE = new Lib();

        final MethodHandle init;
        final MethodHandle release;
        final MethodHandle archResolve;
        final MethodHandle archAdd;
        final MethodHandle resolve;
        final MethodHandle ruleAdd;
        final MethodHandle export;
        final MethodHandle memfdCreate;
        final MethodHandle close;

        private Lib() {
            Linker linker = Linker.nativeLinker();
            SymbolLookup seccomp = SymbolLookup.libraryLookup("libseccomp.so.2", Arena.global());
            SymbolLookup libc = linker.defaultLookup();
            init = handle(linker, seccomp, "seccomp_init", FunctionDescriptor.of(PTR, INT));
            release = handle(linker, seccomp, "seccomp_release", FunctionDescriptor.ofVoid(PTR));
            archResolve = handle(linker, seccomp, "seccomp_arch_resolve_name",
                    FunctionDescriptor.of(INT, PTR));
            archAdd = handle(linker, seccomp, "seccomp_arch_add",
                    FunctionDescriptor.of(INT, PTR, INT));
            resolve = handle(linker, seccomp, "seccomp_syscall_resolve_name",
                    FunctionDescriptor.of(INT, PTR));
            ruleAdd = handle(linker, seccomp, "seccomp_rule_add_array",
                    FunctionDescriptor.of(INT, PTR, INT, INT, INT, PTR));
            export = handle(linker, seccomp, "seccomp_export_bpf",
                    FunctionDescriptor.of(INT, PTR, INT));
            memfdCreate = handle(linker, libc, "memfd_create",
                    FunctionDescriptor.of(INT, PTR, INT));
            close = handle(linker, libc, "close", FunctionDescriptor.of(INT, INT));
        }

        private static MethodHandle handle(Linker linker, SymbolLookup lookup, String name,
                FunctionDescriptor descriptor) {
            MemorySegment symbol = lookup.find(name).orElseThrow(() ->
                    new UnsatisfiedLinkError("libseccomp has no " + name));
            return linker.downcallHandle(symbol, descriptor);
        }
    }
}
