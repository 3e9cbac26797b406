import { splitCommandLine } from './command-line.js';

describe('splitCommandLine', () => {
  it.each([
    ['claude --version', ['claude', '--version']],
    ['  claude   -p  hi  ', ['claude', '-p', 'hi']],
    [`claude -p "say hello" --model 'opus 4'`, ['claude', '-p', 'say hello', '--model', 'opus 4']],
    [`/opt/my\\ tools/claude ""`, ['/opt/my tools/claude', '']],
    [`echo "a \\"quoted\\" word"`, ['echo', 'a "quoted" word']],
    // Shell syntax is only text: nothing runs a shell.
    ['claude --version; rm -rf $HOME | tee x', ['claude', '--version;', 'rm', '-rf', '$HOME', '|', 'tee', 'x']],
  ])('%s', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv);
  });

  it('rejects an unclosed quote', () => {
    expect(() => splitCommandLine(`claude -p "oops`)).toThrow('unclosed " quote');
  });

  it('gives nothing for a blank line', () => {
    expect(splitCommandLine('   ')).toEqual([]);
  });
});
