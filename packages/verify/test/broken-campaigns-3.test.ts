// Part 3 of the default campaigns over the broken-collector corpus (see broken-campaigns.ts).
import { describeBrokenCampaigns } from './broken-campaigns.ts';

describeBrokenCampaigns(2);
