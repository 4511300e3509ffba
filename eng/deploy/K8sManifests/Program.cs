using SaasPlatform.Deploy.K8sManifests;

return await Cli.RunAsync(args, Console.Out, Console.Error);
