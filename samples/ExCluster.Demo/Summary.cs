namespace ExCluster.Demo;

/// <summary>The table printed at the end: one column per rolling update.</summary>
public static class Summary
{
    public static void Print(IReadOnlyList<RollResult> rolls, TextWriter output)
    {
        var rows = new List<(string Label, Func<RollResult, string> Value)>
        {
            ("orders", r => $"{r.Check.Orders}"),
            ("nodes replaced", r => $"{r.Steps.Count} ({string.Join(", ", r.Steps.Select(s => s.ExitCode == 0 ? "exit 0" : $"exit {s.ExitCode}"))})"),
            ("appends acknowledged", r => $"{r.Check.Acknowledged}"),
            ("appends lost", r => r.Signal == StopSignal.Term
                ? $"{r.Check.Lost}"
                : $"{r.Check.Lost} (bound: {r.Check.LossBound} acknowledged in the {r.LossWindow.TotalSeconds:0.0} s before a kill or while the process died; {r.Check.LostOutsideWindow} lost outside it)"),
            ("appends doubled / invented / reordered", r => $"{r.Check.Duplicated} / {r.Check.Unexpected} / {r.Check.OutOfOrder}"),
            ("requests failed", r => $"{r.Check.Failed}"),
            ("refused connections sent elsewhere", r => $"{r.Check.Refused}"),
            ("longest unavailability of an order", r => $"{r.Check.LongestWait.TotalMilliseconds:0} ms ({r.Check.LongestWaitOrder})"),
            ("orders moved", r => $"{r.Check.Moved}"),
        };
        var labelWidth = rows.Max(r => r.Label.Length);
        var widths = rolls.Select(r => Math.Max(r.Title.Length, rows.Max(row => row.Value(r).Length))).ToList();
        output.WriteLine();
        output.WriteLine($"| {"".PadRight(labelWidth)} | {string.Join(" | ", rolls.Select((r, i) => r.Title.PadRight(widths[i])))} |");
        output.WriteLine($"|{new string('-', labelWidth + 2)}|{string.Join("|", widths.Select(w => new string('-', w + 2)))}|");
        foreach (var (label, value) in rows)
            output.WriteLine($"| {label.PadRight(labelWidth)} | {string.Join(" | ", rolls.Select((r, i) => value(r).PadRight(widths[i])))} |");
        output.WriteLine();
    }
}
