using SeqPack.Samples;

Walkthrough.Run(Console.Out);
