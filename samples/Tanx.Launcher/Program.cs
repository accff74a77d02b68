// The Tanx demo launcher (bash build.sh tanx):
//   demo [port]            three Tanx nodes as OS processes behind a YARP load balancer on one public port (8080);
//                          press r (or POST /admin/rolling-update) for a rolling update, q to quit.
//   bench [games...]       the load benchmark: on one node, for each count of games with 4 bots each, the interval
//                          between physics steps (p50/p99) and the frames per second each bot gets.
using Tanx.Launcher;

var command = args.Length > 0 ? args[0] : "demo";
return command switch
{
    "demo" => await Demo.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8080),
    "bench" => await Bench.RunAsync([.. args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Tanx.Launcher demo [port] | bench [games...]");
    return 2;
}
