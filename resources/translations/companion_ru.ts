<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="ru" sourcelanguage="en">
    <context>
        <name>CallTableModel</name>
        <message>
            <source>When</source>
            <extracomment>below this width the table keeps only when, direction, who and outcome rows measured to size the columns (all 500 would make every refresh slow) small enough that the wide row of filters fits a side-docked window too the columns a narrow window hides</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rep</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Direction: ← incoming, → outgoing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not logged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>incoming</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>outgoing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>CardView</name>
        <message>
            <source>Call card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Type or paste a number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number to look up</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>In</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming: they are calling us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Out</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outgoing: we are calling them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outgoing call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Hint</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>What they expect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Warnings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Context</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note (optional)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Log “{name}” (key {key})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last logged outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Undo</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Undo the last outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last calls</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last calls with this person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Error</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Several people share this number. Who is it?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save as contact…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save this number as a contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Company</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How well they know you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Doesn't know us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Knows the company</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Knows me personally</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Knows us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How did they find us?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who recommended us?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Referrer's name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>OK</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the referrer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Actually it is:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No call yet.
When a number rings or is dialled, its card appears here.
You can also type or paste a number above.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not in your contacts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared number: {n} people</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no name)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>recommended by {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>their time {time}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This is {name}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not logged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who recommended us? Enter the name, then log.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Logged: {outcome}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>mobile</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>landline</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>toll-free</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>premium rate</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>VoIP</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ContactsView</name>
        <message>
            <source>Contacts</source>
            <extracomment>the contact in the form; None while a new one is being written</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no name)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact list and form</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search name, company or number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search contacts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number of contacts found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contacts found</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contact being edited</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Company</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Phone numbers, one per line</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>One number per line</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number to call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call the chosen number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>E-mail</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How well they know you</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Knows me personally</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Knows the company</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Doesn't know us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recommended us to them</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who recommended us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Do not call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do not call: they asked not to be called</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Notes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Company</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>N&amp;umbers</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;E-mail</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Status</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Knows us</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>&amp;Referred by</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>N&amp;otes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save the contact (Ctrl+S)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>New contact (Ctrl+N)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete the contact (Delete)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge into…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge this contact into another one</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>The first %n contacts are shown: type more to narrow the search.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>No contact matches. Press Enter to create one.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No contacts yet. Fill in the form below to add one.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n contact(s)</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>New contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the new contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unsaved changes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Discard your changes to “{name}”?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Discard</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>do not call · {status}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete “{name}”? Their calls stay in the history and their numbers stay known.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Delete</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Deleted “{name}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge contacts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge “{other}” into “{keep}”? The numbers, calls and callbacks of “{other}” move to “{keep}”, its empty fields are filled in, and “{other}” is deleted.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{other}” merged into “{keep}”.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do not call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{name}” asked not to be called. Call anyway?</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call anyway</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>HistoryView</name>
        <message>
            <source>Search name, number or note</source>
            <extracomment>a row was opened: its number (as stored, E.164 where known) and direction ("in"/"out")</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Search calls by name, number or note</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Any day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Yesterday</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last 7 days</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last 30 days</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>On a date…</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Date of the calls</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Kind of call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All kinds</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All outcomes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not logged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Rep</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls, newest first</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>How many calls are shown</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>All reps</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>%1 (you)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No calls match.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No calls yet.</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>Showing the newest %n. Narrow the filter to see older calls.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message numerus="yes">
            <source>Calls: %n</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
    </context>
    <context>
        <name>KindStrip</name>
        <message>
            <source>Kind of call</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>Views</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Card</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To log</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>History</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contacts</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep on top of other windows</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>MergePicker</name>
        <message>
            <source>What is merged</source>
            <extracomment>narrower than this, the form goes below the list</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find the contact to keep</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Find the contact to merge into</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Contacts to merge into</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge into the chosen contact</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cancel merging</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Merge “{name}” into:</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>SettingsView</name>
        <message>
            <source>My name as the rep</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>My name</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default region for numbers without a country code</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default region</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calling hours start</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calling hours end</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calling hours (their time)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source> min</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Default callback delay in minutes</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call back after</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Language</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>As the system</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep the window on top during a call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Always keep the window on top</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Start when I log in</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Save settings</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Settings message</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter your name: it marks your calls for the team.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Could not change start-up: {why}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The new language applies when you restart Call Companion.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>ToLogView</name>
        <message>
            <source>Calls to log</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls without an outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Log it</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Open the card to log this call</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call this number back</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n call(s) still need an outcome. Enter opens the card.</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
        <message>
            <source>Nothing to log. Every call has its outcome.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>withheld number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>incoming: no outcome yet</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>outgoing: no outcome yet</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>TodayView</name>
        <message>
            <source>Today's calls</source>
            <extracomment>at least this wide, the two charts sit side by side the contact a call of each kind implies at the least (method.temperature_of with no other facts), which colours its bar; a callback was asked for or agreed to, so it is warm outcome bars darken towards a deal: not reached, reached, consent to talk on (prospect), deal drawn as a hatched outline: something still open (calls without an outcome)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Day</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Whole team</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Count the whole team's calls, not only mine</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No calls yet today</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Conversion from connected call to deal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>of connected calls
became a deal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls, connected calls and deals</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming and outgoing calls</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls by kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls by outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>By kind</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>By outcome</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>the whole team</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Today, {day} · {whose}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Calls {calls} → connected {connected} → deals {deals}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>← {incoming} incoming · → {outgoing} outgoing</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{percent}%</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not logged yet</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>Tray</name>
        <message>
            <source>Show Call Companion</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Keep on top</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Quit</source>
            <translation type="unfinished" />
        </message>
        <message numerus="yes">
            <source>%n call(s) to log</source>
            <translation type="unfinished">
                <numerusform />
                <numerusform />
                <numerusform />
            </translation>
        </message>
    </context>
    <context>
        <name>book</name>
        <message>
            <source>That contact no longer exists.</source>
            <extracomment>closeness of familiarity: the higher, the better the person knows us letters people use interchangeably when they search (Russian е/ё)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Enter a name, a company or a number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>“{raw}” is not a phone number that can be called: check the digits.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Choose two different contacts to merge.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A withheld number cannot be saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown status {value!r}: use person, prospect or client.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown familiarity {value!r}: use personal, company or none.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>cli</name>
        <message>
            <source>Unknown region {code}: use a two-letter country code such as RU or US.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{db}: cannot use this database ({why}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No call in progress to end.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call ended after {s} s.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Exported {n} rows to {path}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Demo database created with sample people and calls.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The window cannot start: {why}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no name)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Shared by: {names}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not in your contacts.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>(no number)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>their time {t}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last calls:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not logged</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Logged: {outcome} ({kind}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Status: {status}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Callback due {due}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No open callbacks.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{contacts} contacts, {calls} calls, {open_callbacks} open callbacks.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>To log:</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Try: companion lookup NUMBER · companion --help</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{flag}: {text!r} is not a date and time like 2026-11-28T15:30.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>desk</name>
        <message>
            <source>That is not a phone number: more than {n} characters.</source>
            <extracomment>an incoming call within this long after the rep's own unanswered try is "calling back"</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Number withheld: there is nothing to look up.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>This does not look like a valid number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Do not call: they asked not to be called.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last time this number turned out to be a wrong number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{n} contacts share this number: choose who this is.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>It is {time} there: outside calling hours ({start}–{end}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Recommended by {name}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You owe them a call back (due {when})</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Callback overdue since {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Callback due {when}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>You called them at {when}, no answer: they are calling back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Last call: {when}, {outcome} ({rep}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{rep} on your team spoke with them on {when}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A callback time goes only with the outcome callback.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The callback time is before the call.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A callback needs a number to call: this one is withheld.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no call number {id} to log.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That call went the other way.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That call was with another number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>That contact does not have this number.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no call number {id}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Who recommended us? Enter the name.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A withheld number cannot be saved.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown direction {value!r}: use in or out.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown outcome {value!r}: use one of {known}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Unknown kind {value!r}: use one of {known}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>The kind {kind} does not fit this direction.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>export</name>
        <message>
            <source>Cannot write {path}: {why}.</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>import</name>
        <message>
            <source>line {line}: {text}</source>
            <extracomment>how they found us (method.Source value)</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--map takes FIELD=COLUMN pairs, got {part!r}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--map: unknown field {key!r} (known: {known}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>not a usable number: {raw!r}</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>no phone number; skipped</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>skipped: no usable number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown status {value!r} ignored</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown familiarity {value!r} ignored</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>unknown source {value!r} ignored</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file}: damaged UTF-16 text.</source>
            <extracomment>field → header names that mean it (compared lower-case, with spaces and dashes as "_")</extracomment>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} is empty.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} is not a CSV file (it looks binary).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file}: unknown text encoding (save it as UTF-8).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>--map: there is no column {column!r} (columns: {columns}).</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} is too large to import.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>There is no file {file}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} is a folder, not a file.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Cannot read {file}: {why}.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} has no header row.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file} has no phone column (columns: {columns}); name it with --map phone=COLUMN.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>{file}, line {line}: broken CSV ({why}).</source>
            <translation type="unfinished" />
        </message>
    </context>
    <context>
        <name>method</name>
        <message>
            <source>Incoming · first-time caller</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming · returning</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming · referral</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Incoming · repeat (our client)</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outgoing · hot</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outgoing · warm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Outgoing · cold</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Callback expected</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They have a need but don't know us yet: earn their trust before you offer anything.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They came to us before and didn't buy: they know the company — find out what held them back.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Someone they trust sent them to us: name the referrer and live up to the recommendation.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Our client is back: they know what we deliver — thank them and make the next step easy.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They know you personally and will take the call: be warm, and bring a reason worth their time.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They know the company, not you, and don't expect you: introduce yourself and recall the earlier contact.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They don't know us and aren't waiting for this call: in one sentence, give them a reason to listen.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>They are waiting for this call, perhaps annoyed by the wait: apologise if late, bring what was promised.</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>hot</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>warm</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>cold</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>person</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>prospect</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>client</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>No answer</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Wrong number</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Not interested</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Talked</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Interested</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Call back</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Deal</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Our advertising</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>A recommendation</source>
            <translation type="unfinished" />
        </message>
        <message>
            <source>Worked with us before</source>
            <translation type="unfinished" />
        </message>
    </context>
</TS>