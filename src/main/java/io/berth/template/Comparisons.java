package io.berth.template;

import java.util.List;

/**
 * Go's template comparison functions. Only basic kinds compare; an int never equals a float, as
 * in Go, and a missing value compares unequal to everything but another missing value.
 */
final class Comparisons {
    private enum Kind { INVALID, BOOL, INT, FLOAT, STRING, OTHER }

    private Comparisons() {
    }

    private static Kind kind(Object value) {
        return switch (value) {
            case null -> Kind.INVALID;
            case Boolean b -> Kind.BOOL;
            case Long n -> Kind.INT;
            case Double d -> Kind.FLOAT;
            case String s -> Kind.STRING;
            default -> Kind.OTHER;
        };
    }

    /** eq: whether the first argument equals any of the others. */
    static boolean eq(List<Object> args) {
        if (args.size() < 2) {
            throw new Functions.CallException("missing argument for comparison");
        }
        Object first = Values.normalize(args.get(0));
        for (Object arg : args.subList(1, args.size())) {
            if (equal(first, Values.normalize(arg))) {
                return true;
            }
        }
        return false;
    }

    private static boolean equal(Object a, Object b) {
        Kind ka = kind(a);
        Kind kb = kind(b);
        if (ka != kb) {
            if (a != null && b != null) {
                throw new Functions.CallException("incompatible types for comparison");
            }
            return false;
        }
        if (ka == Kind.OTHER) {
            throw new Functions.CallException("non-comparable types " + GoFormat.print(a) + ": "
                    + Values.typeName(a) + ", " + GoFormat.print(b) + ": " + Values.typeName(b));
        }
        return ka == Kind.INVALID || a.equals(b);
    }

    /** lt: defined on ints, floats and strings of the same kind. */
    static boolean less(Object left, Object right) {
        Object a = Values.normalize(left);
        Object b = Values.normalize(right);
        Kind ka = kind(a);
        Kind kb = kind(b);
        if (ka == Kind.INVALID || ka == Kind.OTHER || kb == Kind.INVALID || kb == Kind.OTHER) {
            throw new Functions.CallException("invalid type for comparison");
        }
        if (ka != kb) {
            throw new Functions.CallException("incompatible types for comparison");
        }
        return switch (ka) {
            case INT -> (Long) a < (Long) b;
            case FLOAT -> (Double) a < (Double) b;
            case STRING -> ((String) a).compareTo((String) b) < 0;
            default -> throw new Functions.CallException("invalid type for comparison");
        };
    }
}
