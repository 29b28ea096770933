package io.berth.network;

/**
 * An IPv4 network in CIDR form, e.g. 10.77.0.0/16. Written by hand because the JDK has
 * addresses (InetAddress) but no prefixes, and a library for this arithmetic is not worth a
 * dependency.
 *
 * @param base the network address as an unsigned 32-bit value (host bits zero)
 * @param prefix the prefix length, 0 to 32
 */
public record Subnet(long base, int prefix) {
    public Subnet {
        if (prefix < 0 || prefix > 32) {
            throw new InvalidNetworkException("invalid prefix length /" + prefix);
        }
        base = base & mask(prefix);
    }

    /** Parses "10.77.0.0/16"; host bits must be zero, as docker requires. */
    public static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new InvalidNetworkException("invalid subnet " + cidr + ": want ADDRESS/PREFIX");
        }
        long address = parseAddress(cidr.substring(0, slash));
        int prefix = parsePrefix(cidr, cidr.substring(slash + 1));
        Subnet s = new Subnet(address, prefix);
        if (s.base != address) {
            throw new InvalidNetworkException("invalid subnet " + cidr + ": host bits are set"
                    + " (did you mean " + s + "?)");
        }
        return s;
    }

    /** Parses a dotted-quad IPv4 address into an unsigned 32-bit value. */
    public static long parseAddress(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidNetworkException("invalid IPv4 address " + dotted);
        }
        long value = 0;
        for (String part : parts) {
            value = (value << 8) | octet(dotted, part);
        }
        return value;
    }

    /** Formats an unsigned 32-bit value as a dotted quad. */
    public static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "."
                + ((address >> 8) & 255) + "." + (address & 255);
    }

    /** Whether the address (dotted quad) lies inside this subnet. */
    public boolean contains(String address) {
        return contains(parseAddress(address));
    }

    boolean contains(long address) {
        return (address & mask(prefix)) == base;
    }

    /** Whether the two subnets share at least one address. */
    public boolean overlaps(Subnet other) {
        int shorter = Math.min(prefix, other.prefix);
        return (base & mask(shorter)) == (other.base & mask(shorter));
    }

    /** The n-th address of the subnet, 0 being the network address itself. */
    public String address(long n) {
        return format(base + n);
    }

    /** The number of addresses, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefix);
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    private static int octet(String dotted, String part) {
        if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
            throw new InvalidNetworkException("invalid IPv4 address " + dotted);
        }
        int v = Integer.parseInt(part);
        if (v > 255) {
            throw new InvalidNetworkException("invalid IPv4 address " + dotted);
        }
        return v;
    }

    private static int parsePrefix(String cidr, String text) {
        if (text.isEmpty() || text.length() > 2 || !text.chars().allMatch(Character::isDigit)) {
            throw new InvalidNetworkException("invalid subnet " + cidr + ": bad prefix length");
        }
        int prefix = Integer.parseInt(text);
        if (prefix > 32) {
            throw new InvalidNetworkException("invalid subnet " + cidr + ": prefix above 32");
        }
        return prefix;
    }
}
