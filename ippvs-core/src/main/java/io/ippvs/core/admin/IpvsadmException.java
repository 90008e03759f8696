package io.ippvs.core.admin;

/**
 * An ipvsadm command that failed, as ipvsadm 1.31 would report it: {@link #ipvsadmMessage()} is the
 * line ipvsadm prints on stderr where it has one for the case ({@code "No such service"},
 * {@code "Illegal 'weight' option with the 'add-service' command"}, ...), and {@link #exitStatus()} the
 * status it exits with. {@link #getMessage()} starts with the field at fault, like every error of this
 * package, and adds what ipvsadm leaves unsaid (which service, which value).
 *
 * <p>Exit statuses, from ipvsadm.c: {@link #USAGE} 2 for everything {@code fail(2, ...)} rejects
 * while parsing; {@link #REJECTED} 255 when the kernel refuses a change ({@code process_options}
 * returns libipvs's -1 and {@code main} returns it); {@link #LIST_FAILED} 1 when {@code list_service}
 * finds no such service.
 */
public final class IpvsadmException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Bad command line: ipvsadm's {@code fail(2, ...)}. */
    public static final int USAGE = 2;
    /** A change the kernel refused (libipvs returned -1). */
    public static final int REJECTED = 255;
    /** {@code list_service}'s {@code exit(1)} for a service that does not exist. */
    public static final int LIST_FAILED = 1;

    private final int exitStatus;
    private final String ipvsadmMessage;

    /**
     * @param field the option or field at fault, which the message starts with
     * @param ipvsadmMessage what ipvsadm prints for this error
     * @param detail what the error is about (a service, a value), or {@code null}
     * @param exitStatus the status ipvsadm exits with
     */
    IpvsadmException(String field, String ipvsadmMessage, String detail, int exitStatus) {
        this(field + ": " + ipvsadmMessage + (detail == null ? "" : " (" + detail + ")"), ipvsadmMessage, exitStatus, null);
    }

    /** A parse error in our own words, which ipvsadm would have rejected with exit status 2. */
    IpvsadmException(IllegalArgumentException ours, String ipvsadmMessage) {
        this(ours.getMessage(), ipvsadmMessage, USAGE, ours);
    }

    /** {@code message} starting with the field; {@code ipvsadmMessage} what ipvsadm prints instead. */
    IpvsadmException(String message, String ipvsadmMessage, int exitStatus, Throwable cause) {
        super(message, cause);
        this.exitStatus = exitStatus;
        this.ipvsadmMessage = ipvsadmMessage;
    }

    /** The status ipvsadm exits with for this error: {@link #USAGE}, {@link #REJECTED} or {@link #LIST_FAILED}. */
    public int exitStatus() {
        return exitStatus;
    }

    /** The line ipvsadm prints on stderr for this error (ours when ipvsadm has no text for the case). */
    public String ipvsadmMessage() {
        return ipvsadmMessage;
    }
}
