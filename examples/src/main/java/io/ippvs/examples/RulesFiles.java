package io.ippvs.examples;

import io.ippvs.core.admin.Ipvsadm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading files the subcommands are given, with messages that say what is wrong with the file. */
final class RulesFiles {

    private RulesFiles() {}

    /**
     * Applies the rules file at {@code file} to {@code ipvsadm}'s director, all or nothing.
     *
     * @throws IOException saying why the file cannot be read
     * @throws IllegalArgumentException naming the file, line and problem of a bad rule
     */
    static void restore(Ipvsadm ipvsadm, Path file) throws IOException {
        ipvsadm.restore(file.toString(), read(file));
    }

    /** The file's text, or an IOException whose message names the file and the reason. */
    static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(describe(file, e), e);
        }
    }

    /** "FILE: no such file", "FILE: permission denied", or the file and the JDK's message. */
    static String describe(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return file + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        return file + ": " + e.getMessage();
    }
}
