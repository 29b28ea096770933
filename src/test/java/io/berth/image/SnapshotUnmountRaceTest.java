package io.berth.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.sys.Errno;
import io.berth.sys.MountFlags;
import io.berth.sys.Sys;
import io.berth.sys.SysException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lazy unmount after EBUSY, when another finisher unmounted the rootfs in between. */
class SnapshotUnmountRaceTest {
    /** umount answers each call with the next errno of the list (0: success). */
    private static final class ScriptedSys implements Sys {
        private final List<Integer> answers;
        final List<Integer> flags = new ArrayList<>();

        ScriptedSys(Integer... answers) {
            this.answers = new ArrayList<>(List.of(answers));
        }

        @Override
        public void mount(String source, String target, String type, long flags, String data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void umount(String target, int flags) {
            this.flags.add(flags);
            int errno = answers.remove(0);
            if (errno != 0) {
                throw new SysException("umount " + target, errno);
            }
        }

        @Override
        public boolean kill(long pid, int signal) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aBusyRootfsUnmountedByAnotherFinisherMeanwhileIsNothingLeftToUndo() {
        ScriptedSys sys = new ScriptedSys(Errno.EBUSY, Errno.EINVAL);
        new Snapshots(sys).unmount(Path.of("/nowhere/rootfs"));
        assertEquals(List.of(0, MountFlags.MNT_DETACH), sys.flags);
    }

    @Test
    void aLazyUnmountThatFailsOtherwiseStillFails() {
        ScriptedSys sys = new ScriptedSys(Errno.EBUSY, Errno.EPERM);
        SysException e = assertThrows(SysException.class,
                () -> new Snapshots(sys).unmount(Path.of("/nowhere/rootfs")));
        assertEquals(Errno.EPERM, e.errno());
    }
}
