using BenchmarkDotNet.Running;
using LeakMonitor.Benchmarks;

// --generate: corpus for bench/compare.sh; --evaluate: recall and false positives; otherwise BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "--generate" => CorpusGenerator.Run(args),
    "--evaluate" => Evaluator.Run(args),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(MatcherBenchmarks).Assembly).Run(args);
    return 0;
}
