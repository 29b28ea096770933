package io.berth.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code security.capability} xattr of a file (struct vfs_ns_cap_data, little endian): a
 * revision word, permitted and inheritable masks, and from revision 3 on the uid of the root
 * that the capabilities are granted to.
 *
 * <p>The kernel grants a revision 2 xattr only to the root of the user namespace that owns the
 * file system, and a revision 3 one only in a user namespace whose uid 0 is its root id. So a
 * layer shifted for a user-namespaced container must carry revision 3 with the container
 * root's host uid, as the kernel itself writes when a namespaced root sets a capability.
 */
final class FileCapability {
    static final String XATTR = "security.capability";
    private static final int REVISION_MASK = 0xff000000;
    private static final int REVISION_1 = 0x01000000;
    private static final int REVISION_2 = 0x02000000;
    private static final int REVISION_3 = 0x03000000;
    private static final int SIZE_1 = 12;
    private static final int SIZE_2 = 20;
    private static final int SIZE_3 = 24;

    private FileCapability() {
    }

    /**
     * {@code value} as a revision 3 xattr for the shifted ids: its root is the host uid of
     * the container's root (or, for a revision 3 value, of the root it named). A value of no
     * revision known here comes back unchanged.
     */
    static byte[] shifted(byte[] value, IdShift shift) {
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (value.length < 4) {
            return value;
        }
        int magic = in.getInt(0);
        int revision = magic & REVISION_MASK;
        long rootId;
        if (revision == REVISION_1 && value.length == SIZE_1
                || revision == REVISION_2 && value.length == SIZE_2) {
            rootId = 0;
        } else if (revision == REVISION_3 && value.length == SIZE_3) {
            rootId = Integer.toUnsignedLong(in.getInt(SIZE_2));
        } else {
            return value;
        }
        ByteBuffer out = ByteBuffer.allocate(SIZE_3).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(REVISION_3 | (magic & ~REVISION_MASK));
        out.put(value, 4, Math.min(value.length, SIZE_2) - 4);
        out.position(SIZE_2);
        out.putInt((int) shift.shift(rootId));
        return out.array();
    }
}
