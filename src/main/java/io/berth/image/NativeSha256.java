package io.berth.image;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * SHA-256 by the machine's OpenSSL (libcrypto), which uses the CPU's SHA instructions whatever
 * the JVM's compiler: the JDK's own SHA-256 reaches them only in C2-compiled code, and a pull
 * hashes every byte twice (blob and tar). With this, image transfers can run on C1 and the AOT
 * cache like every other command instead of paying for C2's compilations.
 *
 * <p>Used only when libcrypto is found; {@link Digest#sha256()} falls back to the JDK's.
 */
final class NativeSha256 extends MessageDigest implements Cloneable {
    /** sizeof(SHA256_CTX) is 112 on every platform OpenSSL 1.1 and 3 build for. */
    private static final long CONTEXT = 128;
    private static final int LENGTH = 32;
    private static final Functions FUNCTIONS = Functions.find().orElse(null);

    private final MemorySegment context = Arena.ofAuto().allocate(CONTEXT, 8);

    private NativeSha256() {
        super("SHA-256");
        engineReset();
    }

    /** A new digest, or none when this machine has no usable libcrypto. */
    static Optional<MessageDigest> create() {
        return FUNCTIONS == null ? Optional.empty() : Optional.of(new NativeSha256());
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int length) {
        if (length == 0) {
            return;
        }
        MemorySegment data = MemorySegment.ofArray(input).asSlice(offset, length);
        try {
            int ok = (int) FUNCTIONS.update.invokeExact(context, data, (long) length);
            require(ok, "SHA256_Update");
        } catch (Throwable t) {
            throw failed("SHA256_Update", t);
        }
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[LENGTH];
        try {
            int ok = (int) FUNCTIONS.digestFinal.invokeExact(MemorySegment.ofArray(out),
                    context);
            require(ok, "SHA256_Final");
        } catch (Throwable t) {
            throw failed("SHA256_Final", t);
        }
        engineReset();
        return out;
    }

    @Override
    protected void engineReset() {
        try {
            require((int) FUNCTIONS.init.invokeExact(context), "SHA256_Init");
        } catch (Throwable t) {
            throw failed("SHA256_Init", t);
        }
    }

    @Override
    protected int engineGetDigestLength() {
        return LENGTH;
    }

    @Override
    public Object clone() {
        NativeSha256 copy = new NativeSha256();
        copy.context.copyFrom(context);
        return copy;
    }

    private static void require(int ok, String function) {
        if (ok != 1) {
            throw new IllegalStateException(function + " of libcrypto failed");
        }
    }

    private static RuntimeException failed(String function, Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(function, t);
    }

    /** The three libcrypto functions, linked once. */
    private record Functions(MethodHandle init, MethodHandle update, MethodHandle digestFinal) {
        private static final String[] LIBRARIES = {"libcrypto.so.3", "libcrypto.so"};

        static Optional<Functions> find() {
            if (Boolean.getBoolean("berth.sha256.jdk")) {
                return Optional.empty(); // to compare, and to test the fallback
            }
            for (String library : LIBRARIES) {
                try {
                    return Optional.of(link(SymbolLookup.libraryLookup(library, Arena.global())));
                } catch (IllegalArgumentException | IllegalCallerException
                        | java.util.NoSuchElementException e) {
                    // Not this one: try the next name, then let the JDK's SHA-256 do it.
                }
            }
            return Optional.empty();
        }

        /**
         * The functions are passed Java arrays directly ("critical"): they neither block nor
         * call back, and copying every chunk to native memory first would cost a third pass.
         */
        private static Functions link(SymbolLookup crypto) {
            Linker linker = Linker.nativeLinker();
            Linker.Option heap = Linker.Option.critical(true);
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout p = ValueLayout.ADDRESS;
            return new Functions(
                    linker.downcallHandle(crypto.findOrThrow("SHA256_Init"),
                            FunctionDescriptor.of(i, p)),
                    linker.downcallHandle(crypto.findOrThrow("SHA256_Update"),
                            FunctionDescriptor.of(i, p, p, ValueLayout.JAVA_LONG), heap),
                    linker.downcallHandle(crypto.findOrThrow("SHA256_Final"),
                            FunctionDescriptor.of(i, p, p), heap));
        }
    }
}
