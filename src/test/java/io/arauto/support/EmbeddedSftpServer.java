package io.arauto.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server for tests (Apache MINA SSHD, the real protocol) serving a temporary folder.
 * It keeps its port and host key across {@link #stop()} and {@link #start()}, so a client that
 * trusted it before trusts it again, and accepts a password or any of the authorized public keys.
 */
public final class EmbeddedSftpServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String USER = "arauto";
    public static final String PASSWORD = "s3nha-de-teste";

    private final Path root;
    private final KeyPair hostKey;
    private final List<PublicKey> authorizedKeys = new CopyOnWriteArrayList<>();
    private SshServer server;
    private int port;
    private volatile String slowName;
    private volatile Duration slowPause = Duration.ZERO;
    private final AtomicInteger slowReads = new AtomicInteger();
    private volatile String loginFolder = "/";
    private volatile String readOnlyFolder;
    private int starts;                  // how many times it was started: each start is one server
    private volatile int stoppedThrough; // the starts up to this one have been stopped

    public EmbeddedSftpServer() {
        try {
            this.root = Files.createTempDirectory("arauto-sftp-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.hostKey = generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    /** Starts on a free port the first time, and on the same port (same host key) after a {@link #stop()}. */
    public synchronized EmbeddedSftpServer start() {
        if (server != null && server.isStarted()) {
            return this;
        }
        int thisStart = ++starts;
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(HOST);
        sshd.setPort(port);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        sshd.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                && authorizedKeys.stream().anyMatch(authorized -> KeyUtils.compareKeys(authorized, key)));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory() {
            @Override
            public Command createSubsystem(ChannelSession channel) {
                // a session starts in the login folder, as OpenSSH's does in the user's home; "/" stays the served root
                SftpSubsystem subsystem = new SftpSubsystem(channel, this) {
                    @Override
                    public void setFileSystem(FileSystem fileSystem) {
                        super.setFileSystem(fileSystem);
                        defaultDir = fileSystem.getPath(loginFolder);
                    }

                    @Override
                    protected void error(String message, Object a, Object b, Object c, Object d, Throwable t) {
                        // "... caught in SFTP subsystem ...": an answer cut off because stop() dropped the session at once,
                        // as a test asked; an error of a server still running is still one
                        if (stoppedThrough >= thisStart) {
                            log.info(message, a, b, c, d);
                        } else {
                            super.error(message, a, b, c, d, t);
                        }
                    }
                };
                getRegisteredListeners().forEach(subsystem::addSftpEventListener);
                return subsystem;
            }
        };
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void opening(ServerSession session, String remoteHandle, Handle localHandle) throws IOException {
                if (localHandle instanceof FileHandle) {
                    refuseWritesIn(localHandle.getFile());
                }
            }

            @Override
            public void creating(ServerSession session, Path path, Map<String, ?> attrs) throws IOException {
                refuseWritesIn(path);
            }

            @Override
            public void moving(ServerSession session, Path srcPath, Path dstPath, Collection<CopyOption> opts) throws IOException {
                refuseWritesIn(srcPath);
                refuseWritesIn(dstPath);
            }

            @Override
            public void removing(ServerSession session, Path path, boolean isDirectory) throws IOException {
                refuseWritesIn(path);
            }

            @Override
            public void reading(ServerSession session, String remoteHandle, FileHandle localHandle, long offset, byte[] data,
                                int dataOffset, int dataLen) {
                if (localHandle.getFile().getFileName().toString().equals(slowName)) {
                    slowReads.incrementAndGet();
                    LockSupport.parkNanos(slowPause.toNanos());
                }
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        try {
            sshd.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded SFTP server on port " + port, e);
        }
        port = sshd.getPort();
        server = sshd;
        return this;
    }

    /** Stops at once, dropping every open session, as a server that goes away does. */
    public synchronized void stop() {
        if (server != null) {
            stoppedThrough = starts;
            try {
                server.stop(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return server != null && server.isStarted();
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return port;
    }

    /** The folder a session starts in, as a server path ("/home/arauto"); "/" unless set. It must exist for logins to work. */
    public EmbeddedSftpServer loginFolder(String serverPath) {
        try {
            Files.createDirectories(local(serverPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.loginFolder = serverPath;
        return this;
    }

    /** The folder the server serves as its root ("/"). */
    public Path root() {
        return root;
    }

    /** Where a path on the server ("/inbox/x.csv") is on local disk. */
    public Path local(String serverPath) {
        return root.resolve(serverPath.replaceFirst("^/+", ""));
    }

    /**
     * Nothing under {@code serverPath} ("/inbox/error") can be opened, created, moved or removed through the server until
     * called again with null: the server answers "permission denied", as OpenSSH does for a folder the login may not write.
     * (Tests may run as root, which a folder's own permissions do not stop.)
     */
    public void refuseWritesUnder(String serverPath) {
        this.readOnlyFolder = serverPath;
    }

    private void refuseWritesIn(Path path) throws AccessDeniedException {
        String folder = readOnlyFolder;
        String where = path.toAbsolutePath().normalize().toString().replace('\\', '/');
        if (folder != null && (where.equals(folder) || where.startsWith(folder + "/"))) {
            throw new AccessDeniedException(where);
        }
    }

    /** Every read of a file named {@code fileName} waits {@code pause}, so a download takes a while; null for none. */
    public void slowDownReadsOf(String fileName, Duration pause) {
        slowReads.set(0);
        slowPause = pause;
        slowName = fileName;
    }

    /** How many reads of the slowed-down file the server has served since {@link #slowDownReadsOf}. */
    public int slowReads() {
        return slowReads.get();
    }

    public void authorize(PublicKey key) {
        authorizedKeys.add(key);
    }

    /** The line OpenSSH's {@code ssh-keyscan -p PORT 127.0.0.1} prints for this server. */
    public String knownHostsLine() {
        return "[" + HOST + "]:" + port + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** Writes a known_hosts file that trusts this server. */
    public Path writeKnownHosts(Path file) {
        return write(file, knownHostsLine() + "\n");
    }

    /** Writes a known_hosts file that names this server with some other key, as after a server swap or an attack. */
    public Path writeWrongKnownHosts(Path file) {
        KeyPair other = generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        return write(file, "[" + HOST + "]:" + port + " " + PublicKeyEntry.toString(other.getPublic()) + "\n");
    }

    /** A file put on the server the careful way: written under a hidden name, then renamed. */
    public Path put(String serverPath, byte[] content) {
        Path target = local(serverPath);
        try {
            Files.createDirectories(target.getParent());
            // a short hidden name, so that a name near the file system's limit can be put too
            Path tmp = target.resolveSibling("." + java.util.UUID.randomUUID() + ".uploading");
            Files.write(tmp, content);
            return Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String serverPath) {
        return Files.exists(local(serverPath));
    }

    public byte[] read(String serverPath) {
        try {
            return Files.readAllBytes(local(serverPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file under a folder of the server, as server paths ("/inbox/archive/x.csv"), sorted. */
    public List<String> filesUnder(String serverPath) {
        Path dir = local(serverPath);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> "/" + root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new key pair: {@code KeyPairProvider.SSH_ED25519} (256) or {@code SSH_RSA} (e.g. 3072). */
    public static KeyPair generateKeyPair(String type, int bits) {
        try {
            return KeyUtils.generateKeyPair(type, bits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a " + type + " key", e);
        }
    }

    /** Writes {@code keyPair}'s private key as OpenSSH does ("-----BEGIN OPENSSH PRIVATE KEY-----"), optionally encrypted. */
    public static Path writeOpenSshPrivateKey(KeyPair keyPair, Path file, String passphrase) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            OpenSSHKeyEncryptionContext encryption = null;
            if (passphrase != null) {
                encryption = new OpenSSHKeyEncryptionContext();
                encryption.setPassword(passphrase);
                encryption.setCipherName("AES");
                encryption.setCipherMode("CTR");
                encryption.setCipherType("256");
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "arauto-test", encryption, out);
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the private key to " + file, e);
        }
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
