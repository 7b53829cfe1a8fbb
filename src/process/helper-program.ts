// The process helper's program, run with `perl -e` by helper.ts: a loop that forks and execs the processes the
// orchestrator asks for and reports their starts and ends. Only modules of perl-base (POSIX) are used.
//
// Records on stdin: `<byte length>\n` then NUL-separated fields
// `id, cwd, output file, flags ('a' append, 'j' job, 'p' private output: 0600), marker file, exit-code file, tag, count of variables,
// name, value, ..., program, arguments...`.
// Lines on stdout: `R` once ready; then per record `P <id> <pid>` or `E <id> <errno> <message>`, and after a `P`
// `X <id> <code> <signal number>` (one of the two empty), fields separated by tabs. A process's exec is settled
// when a close-on-exec pipe it holds closes (empty: it started); its end when SIGCHLD interrupts the select and
// waitpid reaps it. A SIGCHLD that lands just before the select is caught by the select's timeout, which is only
// there for that narrow race.
//
// A job (flag 'j') writes its start marker itself, before its program runs (executors/job-files.ts reads it:
// `<host> <pid> - <start time in clock ticks>` then the tag), and the helper writes its exit-code file when it
// ends (its exit code, or 128 + the signal that killed it, as a shell reports it). When the orchestrator dies the
// helper stays until its jobs have ended, so every job's end is still written down; other processes run on alone.
export const HELPER_PROGRAM = String.raw`
use strict;
use warnings;
use POSIX ();
use Fcntl qw(O_WRONLY O_CREAT O_TRUNC O_APPEND);
$0 = 'model_ensemble spawner';
$SIG{CHLD} = sub { };
# The orchestrator may be gone: its pipe is then closed, and a report is dropped rather than killing the helper.
$SIG{PIPE} = 'IGNORE';
open(my $reply, '>&', \*STDOUT) or die "spawner: $!\n";
my $host = (POSIX::uname())[1];
my (%ids, %checks, %exits);
sub report { syswrite($reply, $_[0] . "\n"); }
sub ticks {
  open(my $stat, '<', '/proc/self/stat') or return '';
  my $line = <$stat>;
  close($stat);
  $line =~ s/^.*\) //s;
  my @fields = split(/ /, $line);
  return $fields[19] // '';
}
sub start {
  my ($id, $cwd, $out, $flags, $marker, $exit, $tag, $count, @rest) = @_;
  my %env = splice(@rest, 0, 2 * $count);
  pipe(my $failed, my $failing) or return report("E\t$id\t" . ($! + 0) . "\tpipe: $!");
  my $pid = fork;
  return report("E\t$id\t" . ($! + 0) . "\tfork: $!") if !defined $pid;
  if ($pid == 0) {
    close($failed);
    my $fail = sub { syswrite($failing, ($! + 0) . "\t$_[0]: $!"); POSIX::_exit(127); };
    POSIX::setsid();
    chdir($cwd) or $fail->($cwd);
    open(STDIN, '<', '/dev/null') or $fail->('/dev/null');
    # Files are never made writable by others, whatever the umask (the job itself keeps the user's umask).
    my $mode = index($flags, 'p') >= 0 ? 0600 : 0644;
    sysopen(my $o, $out, O_WRONLY | O_CREAT | (index($flags, 'a') >= 0 ? O_APPEND : O_TRUNC), $mode) or $fail->($out);
    open(STDOUT, '>&', $o) or $fail->($out);
    close($o);
    open(STDERR, '>&', \*STDOUT) or $fail->($out);
    if (index($flags, 'j') >= 0) {
      sysopen(my $m, $marker, O_WRONLY | O_CREAT | O_TRUNC, 0644) or $fail->($marker);
      print $m "$host $$ - " . ticks() . "\n$tag\n";
      close($m) or $fail->($marker);
    }
    @ENV{keys %env} = values %env;
    { exec { $rest[0] } @rest; }
    $fail->($rest[0]);
  }
  close($failing);
  $exits{$pid} = $exit if index($flags, 'j') >= 0;
  $checks{$pid} = { id => $id, pipe => $failed, fd => fileno($failed), why => '' };
}
sub check {
  my ($pid) = @_;
  my $check = $checks{$pid};
  my $n = sysread($check->{pipe}, $check->{why}, 4096, length $check->{why});
  return if (!defined $n && $!{EINTR}) || $n;
  delete $checks{$pid};
  close($check->{pipe});
  if ($check->{why} ne '') { $ids{$pid} = ''; return report("E\t$check->{id}\t$check->{why}"); }
  $ids{$pid} = $check->{id};
  report("P\t$check->{id}\t$pid");
}
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $status = $?;
    check($pid) while $checks{$pid};
    my $exit = delete $exits{$pid};
    if (defined $exit) {
      my $code = ($status & 127) ? 128 + ($status & 127) : $status >> 8;
      if (sysopen(my $x, $exit, O_WRONLY | O_CREAT | O_TRUNC, 0644)) { print $x "$code\n"; close($x); }
    }
    my $id = delete $ids{$pid};
    next if !defined $id || $id eq '';
    report(($status & 127) ? "X\t$id\t\t" . ($status & 127) : "X\t$id\t" . ($status >> 8) . "\t");
  }
}
report('R');
my ($buffer, $open) = ('', 1);
while ($open || %exits) {
  reap();
  last if !$open && !%exits;
  my $in = '';
  vec($in, 0, 1) = 1 if $open;
  vec($in, $_->{fd}, 1) = 1 for values %checks;
  my $ready = select($in, undef, undef, (%ids || %checks || !$open) ? 0.25 : undef);
  next if $ready <= 0;
  for my $pid (keys %checks) { check($pid) if vec($in, $checks{$pid}{fd}, 1); }
  next if !$open || !vec($in, 0, 1);
  my $n = sysread(STDIN, $buffer, 65536, length $buffer);
  if (!defined $n) { next if $!{EINTR}; $open = 0; next; }
  if ($n == 0) { $open = 0; next; }
  while ($buffer =~ /\A(\d+)\n/) {
    my ($length, $head) = ($1, length($1) + 1);
    last if length($buffer) < $head + $length;
    my $record = substr($buffer, $head, $length);
    substr($buffer, 0, $head + $length) = '';
    start(split(/\0/, $record, -1));
  }
}
`;
