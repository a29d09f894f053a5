# cmdimage's process supervisor: the process between the JVM and one command, which ties the command's processes
# to the JVM's life. Started by JdkProcessRunner (see Supervisor.java) as
#   perl -e <this script> -- <setsid nr> <prctl nr> <exit_group nr> <grace ms> <n> <NAME=VALUE>*n <program> <arg>...
# or, as a server forking such supervisors (see serve below),
#   perl -e <this script> -- <setsid nr> <prctl nr> <exit_group nr> -server
# with its stdin a pipe from the JVM and its stdout and stderr those of the command.
#
# It makes itself a session leader (so the session id is its pid) and the reaper of every orphan below it
# (PR_SET_CHILD_SUBREAPER: a process of the tree whose parent exits is re-parented to the supervisor, not to init,
# so that every process the command starts stays its descendant, even one that called setsid). It forks the command
# into a process group of its own, with stdin from /dev/null and the NAME=VALUE variables restored (perl's own
# variables are kept out of perl's environment), and then waits for one of:
#   - the command's exit: whatever it left running gets SIGTERM, then SIGKILL after the grace;
#   - a request from the JVM on stdin: "t" ends the tree (SIGTERM, the grace, SIGKILL), "k" kills it at once;
#     SIGTERM, SIGINT and SIGHUP count as "t";
#   - the end of stdin: the JVM is gone (killed, out of memory, or exited without ending its commands): the tree is
#     ended as for "t", with the grace cut to 3 s.
# A signal goes to the command's process group first (one atomic kill, so a command that keeps forking cannot
# outrun it), then to every other descendant, found in /proc by parent pid. "Gone" is cheap to check: the
# supervisor has no children left (waitpid). Every wait is bounded. It exits with the command's status: its exit
# code, or 128 + the signal that ended it.
#
# Only perl's builtins are used, no module: loading POSIX alone takes longer than all the rest of the start, which
# is why setsid(), prctl() and exit_group() are called by their system call numbers (the JVM passes those of its architecture).

my ($SETSID, $PRCTL, $EXIT_GROUP) = splice @ARGV, 0, 3;
my $GONE_GRACE = 3;   # the longest grace once the JVM is gone
my $KILL_ROUNDS = 20; # SIGKILL rounds, 50 ms apart, before giving up on processes that do not die
my $EINTR = 4;
my $TAKE_WAIT = 10;   # seconds a spare supervisor waits for the JVM to open its pipes
my $SPARE_IDLE = 5;   # seconds a spare supervisor waits for a command; the server ends with its last supervisor

my ($grace, @env);
if ($ARGV[0] eq '-server') {
    shift @ARGV;
    serve();          # returns only in a forked supervisor, with $grace, @env and @ARGV set
} else {
    my $n;
    ($grace, $n) = splice @ARGV, 0, 2;
    @env = splice @ARGV, 0, $n;
    $grace /= 1000;
}
$0 = "cmdimage-supervisor @ARGV";    # for ps, instead of this script

syscall($SETSID + 0);
syscall($PRCTL + 0, 36, 1, 0, 0, 0); # PR_SET_CHILD_SUBREAPER

my ($stop, $gone, $status);           # "t" or "k" once asked to end the tree; stdin ended; the command's status
$SIG{TERM} = $SIG{INT} = $SIG{HUP} = sub { $stop ||= 't' };
$SIG{CHLD} = sub { };                 # only so that a child's exit interrupts select()

my $child = fork;
if (!defined $child) {
    print STDERR "cannot start $ARGV[0]: fork: $!\n";
    exit 126;
}
if ($child == 0) {
    $SIG{$_} = 'DEFAULT' for qw(TERM INT HUP CHLD PIPE); # PIPE: ignored in a server-made supervisor
    setpgrp(0, 0);
    delete @ENV{grep /^PERL/, keys %ENV};
    for (@env) {
        my ($name, $value) = split /=/, $_, 2;
        $ENV{$name} = $value;
    }
    open(STDIN, '<', '/dev/null') or close(STDIN);
    exec { $ARGV[0] } @ARGV;
    print STDERR "cannot run $ARGV[0]: $!\n";
    exit 127;
}
setpgrp($child, $child);              # here too: the group exists before the first signal to it
$SIG{PIPE} = 'IGNORE';

my $stdin = '';
vec($stdin, 0, 1) = 1;

my $pause = 0.001;
until (defined $status || $stop) {
    reap();
    last if defined $status;
    await_request($pause);
    $pause = $pause < 0.05 ? $pause * 2 : 0.1;
}
if (!defined $status || reap()) {
    eval $ENDING_THE_TREE or die $@;
    end_tree();
}
finish(!defined $status ? 128 + 9 : $status & 127 ? 128 + ($status & 127) : $status >> 8);

# The server: a process of the JdkProcessRunner (while it runs commands) that forks the supervisors, so that a
# command does not wait for perl to start. It keeps one spare supervisor ready: forked, its stdin, stdout and stderr
# three new pipes, waiting for its command. The spare says "p <pid>" (on the server's stdout) once its pipes are in
# place; the JVM opens them through /proc/<pid>/fd/{0,1,2} and writes "o" to its stdin, after which the spare lets
# go of its own end of that pipe (so that the pipe ends when the JVM does). To run a command the JVM writes
# "<length>\n" and a payload of NUL-separated fields to the spare's stdin: the grace in ms, the directory, the
# number of variables, NAME=VALUE each, the program and its arguments; the spare answers one byte "a" on its stdout
# and then runs exactly as a supervisor started by the JVM would. Each line "s" on the server's stdin asks for the
# next spare. The server reports each supervisor's exit as "x <pid> <exit code>" and what it cannot do as
# "e <message>". A spare exits when its stdin ends, when the JVM does not take it within $TAKE_WAIT seconds, and
# when no command comes within $SPARE_IDLE seconds; the server exits when its stdin ends (the runner was closed, or
# the JVM is gone) and when it has no supervisor left, so an idle runner leaves no process behind.
sub serve {
    syscall($SETSID + 0);             # out of the terminal's process group: Ctrl-C is the JVM's to handle
    $0 = 'cmdimage-supervisor-server';
    $SIG{CHLD} = sub { };             # only so that a supervisor's exit interrupts select()
    $SIG{PIPE} = 'IGNORE';
    my $buffer = '';
    my $stdin = '';
    vec($stdin, 0, 1) = 1;
    return if fork_spare() == 0;
    while (1) {
        my $pid;
        while (($pid = waitpid(-1, 1)) > 0) {
            tell_jvm('x', $pid, $? & 127 ? 128 + ($? & 127) : $? >> 8);
        }
        while ($buffer =~ s/\As\n//) {
            return if fork_spare() == 0;  # in the new spare
            $pid = 0;
        }
        if ($pid < 0) {
            # no child left: the spare went idle and no command runs; done, unless a request is already waiting
            my $ready = $stdin;
            exit 0 if select($ready, undef, undef, 0) == 0;
        }
        my $ready = $stdin;
        # a supervisor's exit just before select() is seen at the next turn
        my $found = select($ready, undef, undef, 0.05);
        next if $found <= 0;
        my $got = sysread(STDIN, $buffer, 4096, length $buffer);
        exit 0 if defined $got ? $got == 0 : $! != $EINTR;
    }
}

sub tell_jvm {
    syswrite(STDOUT, join(' ', @_) . "\n");
}

# Forks a spare supervisor; returns its pid to the server (-1 when it could not be made) and 0 in the supervisor,
# once its command has arrived, with $grace, @env and @ARGV set.
sub fork_spare {
    my @pipes;
    for (1 .. 3) {
        pipe(my $read, my $write) or last;
        push @pipes, $read, $write;
    }
    if (@pipes < 6) {
        tell_jvm('e', "cannot make pipes: $!");
        return -1;
    }
    my ($in_read, $in_write, $out_read, $out_write, $err_read, $err_write) = @pipes;
    my $pid = fork;
    if (!defined $pid) {
        tell_jvm('e', "fork: $!");
        return -1;
    }
    if ($pid != 0) {
        close $_ for @pipes;
        return $pid;
    }
    $SIG{CHLD} = 'DEFAULT';
    open(my $to_jvm, '>&', \*STDOUT) or finish(125);
    if (!open(STDIN, '<&', $in_read) || !open(STDOUT, '>&', $out_write) || !open(STDERR, '>&', $err_write)) {
        syswrite($to_jvm, "e cannot set up the pipes of a supervisor: $!\n");
        finish(125);
    }
    close $_ for $in_read, $out_read, $out_write, $err_read, $err_write;
    syswrite($to_jvm, "p $$\n");      # said by the spare itself, once /proc/<pid>/fd/{0,1,2} are its pipes
    close $to_jvm;
    # until the JVM has opened its end, this process holds a writer of its own stdin, so that the pipe cannot end
    my $ready = '';
    vec($ready, 0, 1) = 1;
    my $taken;
    for (1 .. $TAKE_WAIT) {
        my $r = $ready;
        if (select($r, undef, undef, 1) > 0) {
            $taken = sysread(STDIN, my $o, 1) == 1;
            last;
        }
    }
    finish(0) unless $taken;
    close $in_write;
    my $r = $ready;
    if (select($r, undef, undef, $SPARE_IDLE) <= 0) {
        # idle: a command written from now on cannot arrive, and the JVM sees this spare end without acknowledging
        # it (and gives it to the next spare)
        close STDIN;
        finish(0);
    }
    my $request = '';
    until ($request =~ /\A(\d+)\n/ && length($request) >= length($1) + 1 + $1) {
        my $got = sysread(STDIN, $request, 65536, length $request);
        finish(0) if defined $got ? $got == 0 : $! != $EINTR;   # the JVM closed it or is gone: never used
    }
    $request =~ s/\A(\d+)\n//;
    syswrite(STDOUT, 'a');            # acknowledged: the JVM reads this byte before the command's output
    my @fields = split /\0/, substr($request, 0, $1), -1;
    my ($grace_ms, $directory, $n) = splice @fields, 0, 3;
    chdir($directory) or do {
        print STDERR "cannot run in $directory: $!\n";
        finish(127);
    };
    $grace = $grace_ms / 1000;
    @env = splice @fields, 0, $n;
    @ARGV = @fields;
    %ENV = ();
    return 0;
}

# Exits at once with exit_group(): perl's own exit frees everything first, which takes about a millisecond that the
# JVM waits for (nothing is buffered here: stderr is unbuffered and stdout unused).
sub finish {
    syscall($EXIT_GROUP + 0, $_[0] + 0);
}

# Reaps the children that have exited (the command, and orphans re-parented here); whether any child is left.
sub reap {
    while (1) {
        my $pid = waitpid(-1, 1);     # 1: WNOHANG
        return $pid == 0 if $pid <= 0;
        $status = $? if $pid == $child;
    }
}

# Waits up to $wait seconds for a request from the JVM; a signal (a child's exit) cuts the wait short.
sub await_request {
    my ($wait) = @_;
    if ($gone) {
        select(undef, undef, undef, $wait);
        return;
    }
    my $ready = $stdin;
    my $found = select($ready, undef, undef, $wait);
    if ($found < 0 && $! != $EINTR) {
        $gone = 1;
    } elsif ($found > 0) {
        my $got = sysread(STDIN, my $request, 1);
        if (defined $got && $got == 1) {
            $stop = $request eq 'k' ? 'k' : $stop || 't';
            return;
        }
        $gone = 1 if defined $got || $! != $EINTR;
    }
    $stop ||= 't' if $gone;
}

sub now {
    open(my $uptime, '<', '/proc/uptime') or return time;
    my $line = <$uptime>;
    return $line + 0;
}

# Compiled only when a tree has to be ended: most commands leave nothing behind, and compiling this part would add
# about a millisecond to the start of every command.
BEGIN { our $ENDING_THE_TREE = <<'END_OF_ENDING'; }
# SIGTERM, then SIGKILL after the grace (at once for "k"), until no child is left or the rounds are used up.
sub end_tree {
    # from here on waits are short polls; and a dying tree of many processes would send more SIGCHLDs than perl
    # lets pend during one long operation (such as one kill to many pids)
    $SIG{CHLD} = 'DEFAULT';
    my $limit = $grace;
    if ($stop ne 'k') {
        signal_tree('TERM');
        my $started = now();
        while (reap() && $stop ne 'k') {
            $limit = $GONE_GRACE if $gone && $limit > $GONE_GRACE;
            last if now() - $started >= $limit;
            await_request(0.02);
        }
    }
    for (1 .. $KILL_ROUNDS) {
        return unless reap();
        signal_tree('KILL');
        select(undef, undef, undef, 0.05);
    }
    print STDERR "processes of $ARGV[0] survive SIGKILL: ", join(' ', @{(descendants())[0]}), "\n" if reap();
}

# Sends $signal to the command's process group, then to each descendant and each group made in the tree.
sub signal_tree {
    my ($signal) = @_;
    # while the command is not reaped its pid, which is the group's id, cannot be reused
    kill $signal, -$child if !defined $status;
    my ($pids, $groups) = descendants();
    kill $signal, -$_ for keys %$groups;
    kill $signal, @$pids if @$pids;
    kill 'CONT', @$pids if $signal eq 'TERM' && @$pids; # a stopped process must see the TERM
}

# The live descendants of this process, by parent pid in /proc, and the process groups made among them.
sub descendants {
    my (%children, %group);
    opendir(my $proc, '/proc') or return ([], {});
    for my $pid (grep /^\d+$/, readdir $proc) {
        open(my $file, '<', "/proc/$pid/stat") or next;
        my $stat = <$file>;
        # "pid (comm) state ppid pgrp ...", where comm may hold spaces and parentheses
        next unless $stat =~ /.*\) (\S) (\d+) (\d+)/s && $1 ne 'Z' && $1 ne 'X';
        push @{$children{$2}}, $pid;
        $group{$pid} = $3;
    }
    closedir $proc;
    my @found;
    my @todo = ($$);
    while (@todo) {
        for my $pid (@{$children{shift @todo} || []}) {
            push @found, $pid;
            push @todo, $pid;
        }
    }
    # only groups made in the tree: the command's, and those whose leader is a descendant
    my %made = map { $_ => 1 } $child, @found;
    return (\@found, { map { $group{$_} => 1 } grep { $made{$group{$_}} } @found });
}
1;
END_OF_ENDING
